/**
 * Idle stop with the real agent's activity report: a session nobody uses is stopped, one with an
 * open SSH connection is not, even though neither gets browser traffic.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Api } from './support/client.ts';
import { type BerthProcess, removeContainersOf, startServer } from './support/server.ts';
import { saveKey, sshOptions } from './support/ssh.ts';

let server: BerthProcess;
let user: Api;

beforeAll(async () => {
  // 0.25 minutes = 15 s, with the reaper every 2 s.
  server = await startServer({ env: { BERTH_IDLE_TIMEOUT_MINUTES: '0.25' } });
  user = await new Api(server.url, server.adminKey).createUser('sleeper');
});

afterAll(async () => {
  await server?.stop();
  if (server) await removeContainersOf(server.dataDir);
});

it('stops the idle session and keeps the one with an open SSH connection', async () => {
  await Promise.all([user.createSession('idle'), user.createSession('busy')]);
  await user.waitFor('idle', 'RUNNING');
  const busy = await user.waitFor('busy', 'RUNNING');
  const key = saveKey(await user.sshKey('busy'));
  const connection = spawn(
    'ssh',
    [...sshOptions(key), '-p', String(busy.ssh.port), 'work@127.0.0.1', 'sleep 90'],
    {
      stdio: 'ignore',
    },
  );
  try {
    const stopped = await user.waitFor('idle', 'STOPPED', 90_000);
    expect(stopped.statusReason).toMatch(/idle for more than 0.25 minutes/);
    // By now `busy` has been just as long without browser traffic; its SSH session keeps it.
    expect((await user.getSession('busy')).status).toBe('RUNNING');
  } finally {
    connection.kill();
  }
});
