import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../lambdas/api/app.ts';
import type { Log } from '../../lambdas/core/log.ts';
import { ADMIN_KEY, type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
const lines: { message: string; fields?: Record<string, unknown> }[] = [];
const record =
  () =>
  (message: string, fields?: Record<string, unknown>): void => {
    lines.push({ message, ...(fields ? { fields } : {}) });
  };
const log: Log = { debug: record(), info: record(), warn: record(), error: record() };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('logs one line per request with who and what, and never a key or a token', async () => {
  const app = createApp({ sessions: h.sessions, users: h.users, log });
  const auth = { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' };
  const created = await app.request('/v1/users', {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ name: 'dora' }),
  });
  const { apiKey } = (await created.json()) as { apiKey: string };
  await app.request('/v1/sessions', {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'logged' }),
  });
  const key = await app.request('/v1/sessions/logged/ssh-key?format=ppk', {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  const privateKey = await key.text();
  await app.request('/v1/me', { headers: { Authorization: 'Bearer berth_wrong' } });

  const requests = lines.filter((l) => l.message === 'request').map((l) => l.fields);
  expect(requests).toEqual([
    expect.objectContaining({ method: 'POST', path: '/v1/users', status: 201, userId: h.admin.id }),
    expect.objectContaining({ method: 'POST', path: '/v1/sessions', status: 202 }),
    expect.objectContaining({ method: 'GET', path: '/v1/sessions/logged/ssh-key', status: 200 }),
    expect.objectContaining({ method: 'GET', path: '/v1/me', status: 401, userId: undefined }),
  ]);
  const everything = JSON.stringify(lines);
  for (const secret of [ADMIN_KEY, apiKey, 'berth_wrong', privateKey.split('\n')[5] ?? 'x']) {
    expect(everything).not.toContain(secret);
  }
});
