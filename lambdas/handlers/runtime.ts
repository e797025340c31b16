/**
 * Cold-start state shared by the Lambda entry points: configuration read once from the env names
 * in config/env.ts, the AWS clients, the store and the core. Built on first use and kept while the
 * execution environment lives.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCoreConfig } from '../config/core-config.ts';
import { ConfigError, ENV, readString } from '../config/env.ts';
import type { Log } from '../core/log.ts';
import { type AwsClients, createAwsClients } from '../drivers/aws/clients.ts';
import { type AwsDriverConfig, readAwsConfig } from '../drivers/aws/config.ts';
import { createDocumentClient } from '../store/client.ts';
import { DynamoStore } from '../store/dynamo-store.ts';
import { DEFAULT_TABLE_NAME } from '../store/table.ts';
import { type AwsCore, type AwsCoreOptions, buildAwsCore } from './aws-core.ts';
import { lambdaLog } from './log.ts';

type Env = Record<string, string | undefined>;

export interface LambdaRuntime extends AwsCore {
  aws: AwsDriverConfig;
  clients: AwsClients;
  store: DynamoStore;
  log: Log;
  logger: Logger;
}

/** What a non-Lambda host of the same runtime (the emulator) may swap. */
export type RuntimeOverrides = Pick<AwsCoreOptions, 'activity' | 'clock'>;

export function createRuntime(env: Env = process.env, overrides: RuntimeOverrides = {}): LambdaRuntime {
  const aws = readAwsConfig(env);
  const clients = createAwsClients(aws);
  const { log, logger } = lambdaLog(env);
  const db = createDocumentClient({
    region: aws.region,
    ...((env[ENV.dynamoEndpoint] ?? aws.endpoint)
      ? { endpoint: env[ENV.dynamoEndpoint] ?? aws.endpoint }
      : {}),
  });
  const store = new DynamoStore(db, readString(env, ENV.tableName, DEFAULT_TABLE_NAME));
  // Per-session SSH hosts and app URLs come from the ingress pool; these are only the fallbacks.
  const core = readCoreConfig(env, {
    sshHost: aws.nlbPool[0]?.dnsName ?? 'localhost',
    publicUrl: aws.domain ? `https://${aws.domain}` : `http://${aws.albPool[0]?.dnsName ?? 'localhost'}`,
  });
  return {
    ...buildAwsCore({ aws, core, clients, store, log, ...overrides }),
    aws,
    clients,
    store,
    log,
    logger,
  };
}

let current: LambdaRuntime | undefined;

export function lambdaRuntime(): LambdaRuntime {
  current ??= createRuntime(process.env);
  return current;
}

/**
 * The admin key: BERTH_ADMIN_KEY if set (emulation, tests), else the Secrets Manager secret the
 * stack made (a plain string). One of the two must exist: a generated key could never be shown.
 */
export async function readAdminKey(env: Env, secrets: SecretsManagerClient): Promise<string> {
  const pinned = env[ENV.adminKey];
  if (pinned) return pinned;
  const arn = env[ENV.adminKeySecretArn];
  if (!arn) throw new ConfigError(`${ENV.adminKey} or ${ENV.adminKeySecretArn} must be set`);
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const key = out.SecretString?.trim();
  if (!key) throw new ConfigError(`the secret ${ENV.adminKeySecretArn} names holds no string`);
  return key;
}
