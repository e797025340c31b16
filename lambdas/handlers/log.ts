/** One Powertools logger per Lambda environment, so every handler's lines carry the same service name. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ENV, readString } from '../config/env.ts';
import { createLog } from '../config/logger.ts';
import type { Log } from '../core/log.ts';

type Env = Record<string, string | undefined>;

export function lambdaLog(env: Env = process.env): { log: Log; logger: Logger } {
  return createLog('berth', readString(env, ENV.logLevel, 'INFO').toUpperCase());
}
