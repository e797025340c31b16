/** The real OpenSSH client, driven with the key the API hands out. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function saveKey(key: string, name = 'id_container'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'berth-key-')), name);
  writeFileSync(file, key, { mode: 0o600 });
  return file;
}

/** Options for a throwaway host with no known_hosts and no prompts. */
export const hostOptions = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'ConnectTimeout=10',
  '-o',
  'LogLevel=ERROR',
];

/** Options shared by ssh and sftp (which spell the port flag differently). */
const options = (keyFile: string) => ['-i', keyFile, '-o', 'IdentitiesOnly=yes', ...hostOptions];

export async function ssh(keyFile: string, port: number, command: string, user = 'work'): Promise<string> {
  const { stdout } = await run(
    'ssh',
    [...options(keyFile), '-p', String(port), `${user}@127.0.0.1`, command],
    {
      timeout: 30_000,
    },
  );
  return stdout;
}

/** Runs an sftp batch (one command per line) and returns its output. */
export async function sftp(keyFile: string, port: number, batch: string[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-sftp-'));
  const batchFile = path.join(dir, 'batch');
  writeFileSync(batchFile, `${batch.join('\n')}\n`);
  const { stdout } = await run(
    'sftp',
    ['-b', batchFile, '-P', String(port), ...options(keyFile), 'work@127.0.0.1'],
    {
      timeout: 30_000,
    },
  );
  return stdout;
}

/** Resolves with the error ssh exits with (for the cases that must fail). */
export async function sshFails(args: string[]): Promise<string> {
  try {
    await run('ssh', args, { timeout: 30_000 });
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error('ssh unexpectedly succeeded');
}

export { options as sshOptions };
