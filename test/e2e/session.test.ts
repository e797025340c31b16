/**
 * A user's whole journey on one host, with real parts only: the server process, dockerd, the
 * workspace image, OpenSSH's ssh/sftp clients, Jupyter, and ttyd's WebSocket protocol.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieName } from '../../lambdas/core/app-token.ts';
import { Api, exchangeLaunchUrl, type Session } from './support/client.ts';
import { type BerthProcess, docker, removeContainersOf, startServer } from './support/server.ts';
import { hostOptions, saveKey, sftp, ssh, sshFails, sshOptions } from './support/ssh.ts';
import { TtydClient, upgradeStatus } from './support/ttyd.ts';

let server: BerthProcess;
let admin: Api;
let alice: Api;
let bob: Api;
let session: Session;
let keyFile: string;

beforeAll(async () => {
  server = await startServer();
  admin = new Api(server.url, server.adminKey);
  alice = await admin.createUser('alice');
  bob = await admin.createUser('bob');
  session = await alice.createSession('mysession', { resources: { cpu: 0.5, memoryMiB: 512 } });
  session = await alice.waitFor('mysession', 'RUNNING');
  keyFile = saveKey(await alice.sshKey('mysession'));
});

afterAll(async () => {
  await server?.stop();
  if (server) await removeContainersOf(server.dataDir);
});

describe('SSH and SFTP', () => {
  it('logs in as work with the downloaded key', async () => {
    const port = session.ssh.port ?? 0;
    expect(session.ssh).toMatchObject({ host: '127.0.0.1', user: 'work' });
    expect((await ssh(keyFile, port, 'whoami')).trim()).toBe('work');
    expect((await ssh(keyFile, port, 'id -u')).trim()).toBe('1000');
    expect((await ssh(keyFile, port, 'echo $HOME')).trim()).toBe('/home/work');
  });

  it('transfers files both ways over SFTP', async () => {
    const port = session.ssh.port ?? 0;
    const local = path.join(tmpdir(), `berth-sftp-${Date.now()}.txt`);
    writeFileSync(local, 'shipped over sftp\n');
    await sftp(keyFile, port, [`put ${local} uploaded.txt`, `get uploaded.txt ${local}.back`]);
    expect((await ssh(keyFile, port, 'cat ~/uploaded.txt')).trim()).toBe('shipped over sftp');
    expect(readFileSync(`${local}.back`, 'utf8')).toBe('shipped over sftp\n');
  });

  it('refuses passwords, root, and other keys', async () => {
    const port = String(session.ssh.port);
    const noKey = ['-p', port, ...hostOptions];
    expect(
      await sshFails([...noKey, '-o', 'PreferredAuthentications=password', 'work@127.0.0.1', 'true']),
    ).toMatch(/Permission denied/);
    expect(await sshFails([...sshOptions(keyFile), '-p', port, 'root@127.0.0.1', 'true'])).toMatch(
      /Permission denied/,
    );
    const other = await bob.createSession('keyless');
    const otherKey = saveKey(await bob.sshKey('keyless'));
    expect(await sshFails([...sshOptions(otherKey), '-p', port, 'work@127.0.0.1', 'true'])).toMatch(
      /Permission denied/,
    );
    await bob.call('DELETE', `/v1/sessions/${other.id}`);
  });

  it('hands out the key in PuTTY format too', async () => {
    expect(await alice.sshKey('mysession', 'ppk')).toMatch(/^PuTTY-User-Key-File-3: ssh-ed25519/);
  });
});

describe('browser apps through the proxy', () => {
  it('opens Jupyter with a single-use link that leaves a session-scoped cookie', async () => {
    const status = `${server.url}/s/${session.id}/jupyter/api/status`;
    expect((await fetch(status)).status).toBe(401);

    const url = await alice.appUrl('mysession', 'jupyter');
    const first = await exchangeLaunchUrl(url);
    expect(first.status).toBe(302);
    expect(first.cookie).toMatch(new RegExp(`^${cookieName(session.id)}=`));
    expect(first.location).not.toContain('berth_token');

    const res = await fetch(status, { headers: { Cookie: first.cookie ?? '' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { started?: string; kernels?: number };
    expect(typeof body.started).toBe('string');

    expect((await exchangeLaunchUrl(url)).status).toBe(401);
  });

  it('runs a command in the terminal over ttyd’s WebSocket protocol, and reattaches after a reload', async () => {
    const page = await exchangeLaunchUrl(await alice.appUrl('mysession', 'ttyd'));
    expect(page.status).toBe(302);
    const cookie = page.cookie ?? '';
    const html = await fetch(`${server.url}/s/${session.id}/ttyd/`, { headers: { Cookie: cookie } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');

    const wsUrl = `ws://127.0.0.1:${server.port}/s/${session.id}/ttyd/ws`;
    const first = await TtydClient.connect(wsUrl, cookie);
    expect(first.protocol).toBe('tty');
    first.type('export BERTH_MARK=kept-$((6*7))\r');
    first.type('echo berth-$((40+2))\r');
    await first.waitFor('berth-42');
    first.close();

    // A reload is a new WebSocket: tmux must give back the same shell, variable and all.
    const second = await TtydClient.connect(wsUrl, cookie);
    second.type('echo mark=$BERTH_MARK\r');
    await second.waitFor('mark=kept-42');
    second.close();
  });

  it('refuses the terminal WebSocket without a cookie', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/s/${session.id}/ttyd/ws`)).toBe(401);
  });
});

describe('isolation', () => {
  it('keeps other users out of the session and its apps', async () => {
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/stop'],
      ['DELETE', ''],
      ['GET', '/ssh-key'],
      ['POST', '/apps/jupyter'],
    ] as const) {
      expect((await bob.call(method, `/v1/sessions/${session.id}${suffix}`)).status).toBe(404);
    }
    expect((await alice.getSession(session.id)).status).toBe('RUNNING');
  });

  it("answers 403 to another session's app cookie", async () => {
    const bobs = await bob.createSession('bobs');
    await bob.waitFor('bobs', 'RUNNING');
    const bobCookie = (await exchangeLaunchUrl(await bob.appUrl('bobs', 'jupyter'))).cookie ?? '';
    const value = bobCookie.split('=').slice(1).join('=');
    // Bob's valid cookie, presented to Alice's session under Alice's cookie name:
    const res = await fetch(`${server.url}/s/${session.id}/jupyter/api/status`, {
      headers: { Cookie: `${cookieName(session.id)}=${value}` },
    });
    expect(res.status).toBe(403);
    // And Bob's launch link pointed at Alice's session:
    const bobUrl = new URL(await bob.appUrl('bobs', 'jupyter'));
    const crossed = await fetch(
      `${server.url}/s/${session.id}/jupyter/?berth_token=${bobUrl.searchParams.get('berth_token')}`,
      { redirect: 'manual' },
    );
    expect(crossed.status).toBe(403);
    await bob.call('DELETE', `/v1/sessions/${bobs.id}`);
  });
});

describe('resources', () => {
  it('applies the cpu and memory limits to the container', async () => {
    const [container] = await docker.listContainers({ filters: { label: [`berth.session=${session.id}`] } });
    const info = await docker.getContainer(container?.Id ?? '').inspect();
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.Memory).toBe(512 * 1024 * 1024);
    expect(info.HostConfig.Binds?.[0]).toMatch(/\/homes\/u-[a-z2-7]+:\/home\/work$/);
  });

  it('refuses bad input over the wire with problem+json and starts nothing', async () => {
    const before = (await docker.listContainers({ all: true })).length;
    for (const [body, status] of [
      ['{"name":', 400],
      [{ name: 'Bad Name' }, 422],
      [{ name: 'ok', image: 'no-such-image' }, 422],
      [{ name: 'ok', resources: { memoryMiB: 'lots' } }, 422],
    ] as const) {
      const res = await alice.call('POST', '/v1/sessions', body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await docker.listContainers({ all: true })).length).toBe(before);
  });
});

describe('stop and start', () => {
  it('closes SSH on stop, and comes back on the same port with the same home', async () => {
    const port = session.ssh.port ?? 0;
    await ssh(keyFile, port, 'echo persisted > ~/note.txt');
    const stopping = await alice.json<Session>('POST', '/v1/sessions/mysession/stop', undefined, 202);
    expect(stopping.status).toBe('STOPPING');
    const stopped = await alice.waitFor('mysession', 'STOPPED', 60_000);
    expect(stopped.ssh.port).toBe(port);
    expect(await sshFails([...sshOptions(keyFile), '-p', String(port), 'work@127.0.0.1', 'true'])).toMatch(
      /refused|closed|reset/i,
    );
    expect((await fetch(`${server.url}/s/${session.id}/jupyter/api/status`)).status).toBe(404);

    await alice.json('POST', '/v1/sessions/mysession/start', undefined, 202);
    const again = await alice.waitFor('mysession', 'RUNNING');
    expect(again.ssh.port).toBe(port);
    expect((await ssh(keyFile, port, 'cat ~/note.txt')).trim()).toBe('persisted');
  });

  it("shares the user's home with the user's other sessions", async () => {
    await alice.createSession('second');
    const second = await alice.waitFor('second', 'RUNNING');
    const key = saveKey(await alice.sshKey('second'));
    expect((await ssh(key, second.ssh.port ?? 0, 'cat ~/note.txt')).trim()).toBe('persisted');
  });

  it('deletes the container and the record', async () => {
    const second = await alice.getSession('second');
    expect((await alice.call('DELETE', '/v1/sessions/second')).status).toBe(204);
    expect((await alice.call('GET', '/v1/sessions/second')).status).toBe(404);
    expect(
      await docker.listContainers({ all: true, filters: { label: [`berth.session=${second.id}`] } }),
    ).toEqual([]);
  });
});
