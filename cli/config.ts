/** Where the CLI finds Berth: BERTH_URL and BERTH_API_KEY, else the single host's own data dir. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CliConfig {
  url: string;
  apiKey: string;
}

export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const url = env.BERTH_URL ?? `http://127.0.0.1:${env.BERTH_PORT ?? '8080'}`;
  let apiKey = env.BERTH_API_KEY;
  if (!apiKey) {
    // On the Berth host itself the admin key is in the data dir: handy for a first try.
    const file = path.resolve(env.BERTH_DATA_DIR ?? '.berth', 'admin-key');
    if (existsSync(file)) apiKey = readFileSync(file, 'utf8').trim();
  }
  if (!apiKey)
    throw new Error('Set BERTH_API_KEY to your API key (and BERTH_URL if Berth is not on this host).');
  return { url, apiKey };
}
