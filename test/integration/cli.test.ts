import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthClient } from '../../cli/client.ts';
import { run } from '../../cli/commands.ts';
import { ADMIN_KEY, type Harness, startHarness } from '../support/harness.ts';

const exec = promisify(execFile);
let h: Harness;
let url: string;
let server: ReturnType<typeof serve>;
let alice: BerthClient;

beforeAll(async () => {
  h = await startHarness();
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = new BerthClient(url, ADMIN_KEY);
  const created = await run(admin, ['users', 'create', 'alice']);
  const key = created[1]?.split(': ')[1] ?? '';
  alice = new BerthClient(url, key);
});
afterAll(async () => {
  server.close();
  await h.close();
});

describe('berth CLI', () => {
  it('starts a session with Backend.AI-style arguments and shows it', async () => {
    const out = await run(alice, [
      'start',
      '-t',
      'mysession',
      'python',
      '--cpu',
      '2',
      '--memory',
      '1024',
      '--no-wait',
    ]);
    expect(out.join('\n')).toMatch(/status: +PROVISIONING/);
    expect(out.join('\n')).toContain('2 CPU, 1024 MiB');
    const id = out.find((l) => l.startsWith('id:'))?.split(/\s+/)[1] ?? '';
    await h.makeRunning(id);
    const info = await run(alice, ['info', 'mysession']);
    expect(info.join('\n')).toMatch(/status: +RUNNING/);
    expect(info.join('\n')).toMatch(/ssh -p \d+ work@berth\.test/);
    const ls = await run(alice, ['ls']);
    expect(ls[0]).toMatch(/^NAME +ID +STATUS +SSH PORT +OWNER$/);
    expect(ls[1]).toMatch(/^mysession +s-\w+ +RUNNING +\d+ +alice$/);
  });

  it('downloads the key privately, in OpenSSH and PuTTY form', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-cli-'));
    const file = path.join(dir, 'id_container');
    expect(await run(alice, ['download-key', 'mysession', '-o', file])).toEqual([`saved ${file}`]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { stdout } = await exec('ssh-keygen', ['-y', '-f', file]);
    expect(stdout).toMatch(/^ssh-ed25519 /);
    await run(alice, ['download-key', 'mysession', '--ppk', '-o', `${file}.ppk`]);
    await exec('puttygen', [`${file}.ppk`, '-L']);
  });

  it('prints an app link, changes settings, and stops', async () => {
    const [link] = await run(alice, ['app', 'mysession', 'jupyter']);
    expect(link).toMatch(/\/s\/s-\w+\/jupyter\/\?berth_token=/);
    expect(await run(alice, ['settings', '--ssh-port', '10022'])).toEqual(['preferred SSH port: 10022']);
    expect(await run(alice, ['settings', '--ssh-port', 'none'])).toEqual([
      'preferred SSH port: none (random)',
    ]);
    expect(await run(alice, ['stop', 'mysession'])).toEqual(['mysession: STOPPING']);
  });

  it('reports API errors and usage errors with exit codes 1 and 2', async () => {
    const env = { ...process.env, BERTH_URL: url, BERTH_API_KEY: ADMIN_KEY };
    const cli = (args: string[]) =>
      exec(process.execPath, ['--import', 'tsx', 'cli/berth.ts', ...args], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const missing = await cli(['info', 'nothere']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No session "nothere"');
    const invalid = await cli(['start', '-t', 'Bad Name', '--no-wait']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('name:');
    const usage = await cli(['app', 'mysession', 'vscode']);
    expect(usage.code).toBe(2);
    expect((await cli(['frobnicate'])).stderr).toContain('unknown command');
  });
});
