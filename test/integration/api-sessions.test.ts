import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, type Harness, startHarness } from '../support/harness.ts';

interface SessionBody {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  ssh: { host: string; port: number | null; user: string };
  apps: { name: string; path: string }[];
  resources: { cpu: number; memoryMiB: number };
  owner: { id: string; name: string };
}

let h: Harness;
let alice: { user: { id: string }; apiKey: string };
let bob: { user: { id: string }; apiKey: string };

beforeEach(async () => {
  h = await startHarness({ maxSessionsPerUser: 3, maxActiveSessions: 5 });
  alice = await h.newUser('alice');
  bob = await h.newUser('bob');
});
afterEach(() => h.close());

async function create(key: string, body: unknown) {
  const res = await h.request('POST', '/v1/sessions', { key, body });
  return { res, body: (await res.json()) as SessionBody & { detail?: string; errors?: unknown[] } };
}

describe('session lifecycle through the API', () => {
  it('creates a session that moves PENDING -> PROVISIONING -> RUNNING, with SSH and apps', async () => {
    const { res, body } = await create(alice.apiKey, {
      name: 'mysession',
      resources: { cpu: 2, memoryMiB: 1024 },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('Location')).toBe(`/v1/sessions/${body.id}`);
    expect(body.status).toBe('PROVISIONING');
    expect(body.id).toMatch(/^s-[a-z2-7]{20}$/);
    expect(body.resources).toEqual({ cpu: 2, memoryMiB: 1024 });
    expect(body.ssh.host).toBe('berth.test');
    expect(body.ssh.user).toBe('work');
    expect(body.ssh.port).toBeGreaterThanOrEqual(10000);
    expect(body.ssh.port).toBeLessThanOrEqual(65000);
    expect(body.apps.map((a) => a.name)).toEqual(['jupyter', 'ttyd']);
    expect(body).not.toHaveProperty('appSecret');
    expect(body).not.toHaveProperty('sshPrivateKey');

    const [task] = h.compute.forSession(body.id);
    expect(task?.spec.resources).toEqual({ cpu: 2, memoryMiB: 1024 });
    expect(task?.spec.sshPort).toBe(body.ssh.port);
    expect(task?.spec.env.BERTH_SSH_PUBLIC_KEY).toMatch(/^ssh-ed25519 /);

    await h.makeRunning(body.id);
    const byName = await h.request('GET', '/v1/sessions/mysession', { key: alice.apiKey });
    expect(((await byName.json()) as SessionBody).status).toBe('RUNNING');
    const byId = await h.request('GET', `/v1/sessions/${body.id}`, { key: alice.apiKey });
    expect(((await byId.json()) as SessionBody).name).toBe('mysession');
    expect(h.ingress.routes.has(body.id)).toBe(true);
  });

  it('stops (keeping the port), starts again, and deletes', async () => {
    const { body } = await create(alice.apiKey, { name: 'life' });
    await h.makeRunning(body.id);

    const stop = await h.request('POST', '/v1/sessions/life/stop', { key: alice.apiKey });
    expect(stop.status).toBe(202);
    expect(((await stop.json()) as SessionBody).status).toBe('STOPPING');
    expect(h.ingress.routes.has(body.id)).toBe(false);
    await h.makeStopped(body.id);
    const stopped = (await (
      await h.request('GET', '/v1/sessions/life', { key: alice.apiKey })
    ).json()) as SessionBody;
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.ssh.port).toBe(body.ssh.port);
    expect((await h.store.listSlots()).filter((s) => s.sessionId === body.id)).toEqual([]);

    const start = await h.request('POST', '/v1/sessions/life/start', { key: alice.apiKey });
    expect(start.status).toBe(202);
    const restarted = (await start.json()) as SessionBody;
    expect(restarted.status).toBe('PROVISIONING');
    expect(restarted.ssh.port).toBe(body.ssh.port);
    await h.makeRunning(body.id);

    const startAgain = await h.request('POST', '/v1/sessions/life/start', { key: alice.apiKey });
    expect(startAgain.status).toBe(409);

    const del = await h.request('DELETE', '/v1/sessions/life', { key: alice.apiKey });
    expect(del.status).toBe(204);
    expect((await h.request('GET', '/v1/sessions/life', { key: alice.apiKey })).status).toBe(404);
    expect(h.compute.forSession(body.id)).toEqual([]);
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
  });

  it('marks a session FAILED with a reason when its compute dies, releasing port and slots', async () => {
    const { body } = await create(alice.apiKey, { name: 'crashy' });
    await h.makeRunning(body.id);
    await h.makeStopped(body.id, 'exited with code 137');
    const failed = (await (
      await h.request('GET', '/v1/sessions/crashy', { key: alice.apiKey })
    ).json()) as SessionBody;
    expect(failed.status).toBe('FAILED');
    expect(failed.statusReason).toContain('exited with code 137');
    expect(failed.ssh.port).toBeNull();
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
  });

  it('fails the launch cleanly when compute cannot start', async () => {
    h.compute.failNextRun = new Error('no capacity on the host');
    const { res, body } = await create(alice.apiKey, { name: 'doomed' });
    expect(res.status).toBe(202);
    expect(body.status).toBe('FAILED');
    expect(body.statusReason).toContain('no capacity on the host');
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
  });
});

describe('ownership', () => {
  it("hides a user's session from another user (404 for every action)", async () => {
    const { body } = await create(alice.apiKey, { name: 'private' });
    await h.makeRunning(body.id);
    for (const ref of ['private', body.id]) {
      const calls: [string, string][] = [
        ['GET', `/v1/sessions/${ref}`],
        ['POST', `/v1/sessions/${ref}/stop`],
        ['POST', `/v1/sessions/${ref}/start`],
        ['DELETE', `/v1/sessions/${ref}`],
        ['GET', `/v1/sessions/${ref}/ssh-key`],
        ['POST', `/v1/sessions/${ref}/apps/jupyter`],
      ];
      for (const [method, url] of calls) {
        const res = await h.request(method, url, { key: bob.apiKey });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.headers.get('Content-Type')).toContain('application/problem+json');
      }
    }
    const list = (await (await h.request('GET', '/v1/sessions', { key: bob.apiKey })).json()) as {
      sessions: unknown[];
    };
    expect(list.sessions).toEqual([]);
    const still = (await (
      await h.request('GET', '/v1/sessions/private', { key: alice.apiKey })
    ).json()) as SessionBody;
    expect(still.status).toBe('RUNNING');
  });

  it('lets two users use the same session name', async () => {
    expect((await create(alice.apiKey, { name: 'same' })).res.status).toBe(202);
    expect((await create(bob.apiKey, { name: 'same' })).res.status).toBe(202);
    expect((await create(alice.apiKey, { name: 'same' })).res.status).toBe(409);
  });

  it('lets an admin list everyone’s sessions with ?all=true', async () => {
    await create(alice.apiKey, { name: 'a1' });
    await create(bob.apiKey, { name: 'b1' });
    const res = await h.request('GET', '/v1/sessions?all=true', { key: ADMIN_KEY });
    const names = ((await res.json()) as { sessions: SessionBody[] }).sessions.map((s) => s.name).sort();
    expect(names).toEqual(['a1', 'b1']);
    const asUser = await h.request('GET', '/v1/sessions?all=true', { key: alice.apiKey });
    expect(((await asUser.json()) as { sessions: SessionBody[] }).sessions.map((s) => s.name)).toEqual([
      'a1',
    ]);
  });
});

describe('keys and app links', () => {
  it('downloads the private key as OpenSSH and as PuTTY .ppk, owner only', async () => {
    const { body } = await create(alice.apiKey, { name: 'keys' });
    const openssh = await h.request('GET', '/v1/sessions/keys/ssh-key', { key: alice.apiKey });
    expect(openssh.status).toBe(200);
    expect(openssh.headers.get('Content-Disposition')).toContain('id_container_keys');
    expect(await openssh.text()).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const ppk = await h.request('GET', `/v1/sessions/${body.id}/ssh-key?format=ppk`, { key: alice.apiKey });
    expect(await ppk.text()).toMatch(/^PuTTY-User-Key-File-3: ssh-ed25519\n/);
    const bad = await h.request('GET', '/v1/sessions/keys/ssh-key?format=pem', { key: alice.apiKey });
    expect(bad.status).toBe(422);
  });

  it('issues an RSA key on request', async () => {
    const { body } = await create(alice.apiKey, { name: 'rsa', sshKeyType: 'rsa' });
    expect(h.compute.forSession(body.id)[0]?.spec.env.BERTH_SSH_PUBLIC_KEY).toMatch(/^ssh-rsa /);
    const ppk = await h.request('GET', '/v1/sessions/rsa/ssh-key?format=ppk', { key: alice.apiKey });
    expect(await ppk.text()).toMatch(/^PuTTY-User-Key-File-3: ssh-rsa\n/);
  });

  it('gives a single-use app URL only while RUNNING', async () => {
    const { body } = await create(alice.apiKey, { name: 'apps' });
    const early = await h.request('POST', '/v1/sessions/apps/apps/jupyter', { key: alice.apiKey });
    expect(early.status).toBe(409);
    await h.makeRunning(body.id);
    const res = await h.request('POST', '/v1/sessions/apps/apps/ttyd', { key: alice.apiKey });
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^http://berth.test:8080/s/${body.id}/ttyd/\\?berth_token=[\\w.-]+$`));
    const unknownApp = await h.request('POST', '/v1/sessions/apps/apps/vscode', { key: alice.apiKey });
    expect(unknownApp.status).toBe(422);
  });
});

describe('limits and ports', () => {
  it('enforces the per-user limit with a 409 and the global one with a 429', async () => {
    for (const name of ['l1', 'l2', 'l3'])
      expect((await create(alice.apiKey, { name })).res.status).toBe(202);
    const fourth = await create(alice.apiKey, { name: 'l4' });
    expect(fourth.res.status).toBe(409);
    expect(fourth.body.detail).toContain('3 active session');
    expect((await create(bob.apiKey, { name: 'b1' })).res.status).toBe(202);
    expect((await create(bob.apiKey, { name: 'b2' })).res.status).toBe(202);
    const sixth = await create(bob.apiKey, { name: 'b3' });
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.headers.get('Retry-After')).toBe('60');
    // Nothing was written for the refused ones.
    expect((await h.store.listSessions(bob.user.id)).map((s) => s.name).sort()).toEqual(['b1', 'b2']);
    expect(await h.store.getSession(alice.user.id, 'l4')).toBeUndefined();
    expect((await h.store.listPorts()).length).toBe(5);
  });

  it('frees a slot when a session stops', async () => {
    for (const name of ['l1', 'l2', 'l3']) await create(alice.apiKey, { name });
    const l1 = await h.store.getSession(alice.user.id, 'l1');
    await h.request('POST', '/v1/sessions/l1/stop', { key: alice.apiKey });
    await h.makeStopped(l1?.id ?? '');
    expect((await create(alice.apiKey, { name: 'l4' })).res.status).toBe(202);
  });

  it('uses the preferred SSH port when free, a random one otherwise', async () => {
    const patch = await h.request('PATCH', '/v1/me/settings', {
      key: alice.apiKey,
      body: { preferredSshPort: 23456 },
    });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { settings: unknown }).settings).toEqual({ preferredSshPort: 23456 });
    const first = await create(alice.apiKey, { name: 'p1' });
    expect(first.body.ssh.port).toBe(23456);
    const second = await create(alice.apiKey, { name: 'p2' });
    expect(second.body.ssh.port).not.toBe(23456);
    const cleared = await h.request('PATCH', '/v1/me/settings', {
      key: alice.apiKey,
      body: { preferredSshPort: null },
    });
    expect(((await cleared.json()) as { settings: unknown }).settings).toEqual({});
  });

  it('never gives two concurrent launches the same port', async () => {
    const h2 = await startHarness({ maxSessionsPerUser: 40, maxActiveSessions: 40 });
    try {
      const users = await Promise.all(['u1', 'u2', 'u3', 'u4'].map((n) => h2.newUser(n)));
      for (const u of users) {
        await h2.request('PATCH', '/v1/me/settings', { key: u.apiKey, body: { preferredSshPort: 20000 } });
      }
      const results = await Promise.all(
        users.flatMap((u) =>
          [0, 1, 2, 3, 4].map((i) =>
            h2.request('POST', '/v1/sessions', { key: u.apiKey, body: { name: `c${i}` } }),
          ),
        ),
      );
      const bodies = (await Promise.all(results.map((r) => r.json()))) as SessionBody[];
      expect(results.every((r) => r.status === 202)).toBe(true);
      const ports = bodies.map((b) => b.ssh.port);
      expect(new Set(ports).size).toBe(20);
      expect(ports.filter((p) => p === 20000)).toHaveLength(1);
    } finally {
      await h2.close();
    }
  });
});
