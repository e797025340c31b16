/**
 * One JSON object per line on stdout, so `docker logs` and CloudWatch can filter on fields.
 * Callers pass facts, never tokens, secrets or key material.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | undefined>;

let baseFields: LogFields = {};

/** Fields added to every line (the session id), set once configuration is known. */
export function setLogContext(fields: LogFields): void {
  baseFields = { ...fields };
}

function write(level: Level, event: string, fields?: LogFields): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...baseFields, ...fields });
  process.stdout.write(`${line}\n`);
}

export const log = {
  debug: (event: string, fields?: LogFields) => write('debug', event, fields),
  info: (event: string, fields?: LogFields) => write('info', event, fields),
  warn: (event: string, fields?: LogFields) => write('warn', event, fields),
  error: (event: string, fields?: LogFields) => write('error', event, fields),
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
