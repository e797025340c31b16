/** Powertools' structured JSON logger behind the core's Log interface (shared by host and Lambdas). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/log.ts';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export function createLog(serviceName: string, level: string): { log: Log; logger: Logger } {
  const logLevel = (['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'].includes(level) ? level : 'INFO') as Level;
  const logger = new Logger({ serviceName, logLevel });
  const at =
    (fn: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
      fields ? logger[fn](message, fields) : logger[fn](message);
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, logger };
}
