import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
let alice: { user: { id: string }; apiKey: string };

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newUser('alice');
});
afterAll(() => h.close());

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toContain('application/problem+json');
  const body = (await res.json()) as { type: string; title: string; status: number; detail: string };
  expect(body.status).toBe(status);
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.detail.length).toBeGreaterThan(0);
  return body as typeof body & { errors?: { field: string; detail: string }[] };
}

describe('bad input gets a 4xx problem and writes nothing', () => {
  const cases: [string, { body?: unknown; raw?: string }, number, string?][] = [
    ['malformed JSON', { raw: '{"name": "x",' }, 400],
    ['a JSON array', { body: ['x'] }, 422],
    ['no name', { body: {} }, 422, 'name'],
    ['name with capitals', { body: { name: 'MySession' } }, 422, 'name'],
    ['name with a slash', { body: { name: 'a/b' } }, 422, 'name'],
    ['name too long', { body: { name: 'a'.repeat(64) } }, 422, 'name'],
    ['name of the wrong type', { body: { name: 42 } }, 422, 'name'],
    ['unknown field', { body: { name: 'ok', privileged: true } }, 422],
    ['cpu as a string', { body: { name: 'ok', resources: { cpu: 'lots' } } }, 422, 'resources.cpu'],
    ['negative memory', { body: { name: 'ok', resources: { memoryMiB: -5 } } }, 422, 'resources.memoryMiB'],
    ['cpu above the maximum', { body: { name: 'ok', resources: { cpu: 64 } } }, 422, 'resources.cpu'],
    [
      'memory below the minimum',
      { body: { name: 'ok', resources: { memoryMiB: 16 } } },
      422,
      'resources.memoryMiB',
    ],
    ['unknown image', { body: { name: 'ok', image: 'tensorflow-gpu' } }, 422, 'image'],
    ['unknown key type', { body: { name: 'ok', sshKeyType: 'dsa' } }, 422, 'sshKeyType'],
    ['oversized body', { body: { name: 'ok', image: 'x'.repeat(70_000) } }, 413],
  ];

  for (const [label, input, status, field] of cases) {
    it(`refuses ${label} with ${status}`, async () => {
      const res = await h.request('POST', '/v1/sessions', { key: alice.apiKey, ...input });
      const problem = await expectProblem(res, status);
      if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
    });
  }

  it('wrote nothing for any of them', async () => {
    expect(await h.store.listAllSessions()).toEqual([]);
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
    expect(h.compute.tasks.size).toBe(0);
  });

  it('names the unknown image and the known ones', async () => {
    const res = await h.request('POST', '/v1/sessions', {
      key: alice.apiKey,
      body: { name: 'ok', image: 'nope' },
    });
    const problem = await expectProblem(res, 422);
    expect(problem.detail).toContain('nope');
    expect(problem.detail).toContain('python');
  });

  it('refuses junk in path parameters without touching the store', async () => {
    await expectProblem(await h.request('GET', '/v1/sessions/Not_A_Name', { key: alice.apiKey }), 422);
    await expectProblem(
      await h.request('GET', `/v1/sessions/${'a'.repeat(200)}`, { key: alice.apiKey }),
      422,
    );
    await expectProblem(await h.request('GET', '/v1/sessions/nothere', { key: alice.apiKey }), 404);
  });

  it('refuses bad settings', async () => {
    for (const body of [
      { preferredSshPort: 22 },
      { preferredSshPort: 70000 },
      { preferredSshPort: 'x' },
      { other: 1 },
    ]) {
      await expectProblem(await h.request('PATCH', '/v1/me/settings', { key: alice.apiKey, body }), 422);
    }
    const me = (await (await h.request('GET', '/v1/me', { key: alice.apiKey })).json()) as {
      settings: unknown;
    };
    expect(me.settings).toEqual({});
  });

  it('answers unknown routes and methods with a 404 problem', async () => {
    await expectProblem(await h.request('GET', '/v1/nothing', { key: alice.apiKey }), 404);
    await expectProblem(await h.request('PUT', '/v1/sessions', { key: alice.apiKey, body: {} }), 404);
  });
});

describe('authentication', () => {
  it('needs no key for health and the OpenAPI document', async () => {
    expect((await h.request('GET', '/v1/health')).status).toBe(200);
    const doc = (await (await h.request('GET', '/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sessions',
        '/v1/sessions/{session}',
        '/v1/sessions/{session}/ssh-key',
        '/v1/sessions/{session}/apps/{app}',
        '/v1/users',
        '/v1/me/settings',
      ]),
    );
  });

  it('refuses missing, malformed and unknown keys with 401', async () => {
    await expectProblem(await h.request('GET', '/v1/me'), 401);
    await expectProblem(await h.request('GET', '/v1/me', { key: 'berth_not-a-real-key' }), 401);
    const res = await h.app.request('/v1/me', { headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } });
    await expectProblem(res, 401);
  });
});

describe('users', () => {
  it('lets the admin create, list and delete users; the key works at once', async () => {
    const created = await h.request('POST', '/v1/users', { key: ADMIN_KEY, body: { name: 'carol' } });
    expect(created.status).toBe(201);
    const { user, apiKey } = (await created.json()) as { user: { id: string; role: string }; apiKey: string };
    expect(user.role).toBe('user');
    expect(apiKey).toMatch(/^berth_/);
    const me = (await (await h.request('GET', '/v1/me', { key: apiKey })).json()) as { name: string };
    expect(me.name).toBe('carol');

    const list = (await (await h.request('GET', '/v1/users', { key: ADMIN_KEY })).json()) as {
      users: { name: string }[];
    };
    expect(list.users.map((u) => u.name)).toEqual(expect.arrayContaining(['admin', 'alice', 'carol']));
    expect(JSON.stringify(list)).not.toContain('apiKey');

    await h.request('POST', '/v1/sessions', { key: apiKey, body: { name: 'doomed' } });
    expect((await h.request('DELETE', `/v1/users/${user.id}`, { key: ADMIN_KEY })).status).toBe(204);
    await expectProblem(await h.request('GET', '/v1/me', { key: apiKey }), 401);
    expect((await h.store.listAllSessions()).filter((s) => s.ownerId === user.id)).toEqual([]);
    await expectProblem(await h.request('DELETE', `/v1/users/${user.id}`, { key: ADMIN_KEY }), 404);
  });

  it('refuses duplicate names (409), bad names (422) and non-admins (403)', async () => {
    await expectProblem(
      await h.request('POST', '/v1/users', { key: ADMIN_KEY, body: { name: 'alice' } }),
      409,
    );
    await expectProblem(
      await h.request('POST', '/v1/users', { key: ADMIN_KEY, body: { name: '1bad' } }),
      422,
    );
    await expectProblem(
      await h.request('POST', '/v1/users', { key: ADMIN_KEY, body: { name: 'x', role: 'root' } }),
      422,
    );
    await expectProblem(
      await h.request('POST', '/v1/users', { key: alice.apiKey, body: { name: 'eve' } }),
      403,
    );
    await expectProblem(await h.request('GET', '/v1/users', { key: alice.apiKey }), 403);
    await expectProblem(await h.request('DELETE', `/v1/users/${alice.user.id}`, { key: alice.apiKey }), 403);
    expect(await h.store.getUserByName('eve')).toBeUndefined();
  });

  it('does not let the admin delete themselves', async () => {
    await expectProblem(await h.request('DELETE', `/v1/users/${h.admin.id}`, { key: ADMIN_KEY }), 409);
  });
});
