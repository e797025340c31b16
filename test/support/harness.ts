/** A core over a real dynalite, with fake compute/ingress: what API and core tests run against. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../lambdas/api/app.ts';
import { type CoreConfig, defaultCoreConfig } from '../../lambdas/core/config.ts';
import type { Activity, ActivityProbe } from '../../lambdas/core/interfaces.ts';
import { silentLog } from '../../lambdas/core/log.ts';
import type { SessionRecord } from '../../lambdas/core/model.ts';
import { Reconciler } from '../../lambdas/core/reconciler.ts';
import { Sessions } from '../../lambdas/core/sessions.ts';
import { Users } from '../../lambdas/core/users.ts';
import { HostIngress } from '../../lambdas/drivers/docker/ingress.ts';
import { HostVolumes } from '../../lambdas/drivers/docker/volumes.ts';
import { startDynalite } from '../../lambdas/host/dynalite.ts';
import { createDocumentClient, ensureTable } from '../../lambdas/store/client.ts';
import { DynamoStore } from '../../lambdas/store/dynamo-store.ts';
import { FakeCompute } from './fake-compute.ts';

export const ADMIN_KEY = 'berth_test-admin-key-0123456789abcdef';

export class FakeActivity implements ActivityProbe {
  readonly bySession = new Map<string, Activity>();
  async read(session: SessionRecord): Promise<Activity | undefined> {
    return this.bySession.get(session.id);
  }
}

export async function startHarness(overrides: Partial<CoreConfig> = {}) {
  const dynamo = await startDynalite();
  const db = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(db, 'berth');
  const store = new DynamoStore(db, 'berth');
  const compute = new FakeCompute();
  // The single host's ingress is an in-memory routing table already: the real one serves here.
  const ingress = new HostIngress();
  const activity = new FakeActivity();
  let now = new Date('2026-11-23T12:00:00Z');
  const clock = { now: () => now };
  const config = defaultCoreConfig({
    sshHost: 'berth.test',
    publicUrl: 'http://berth.test:8080',
    ...overrides,
  });
  const sessions = new Sessions({
    store,
    compute,
    ingress,
    activity,
    volumes: new HostVolumes(mkdtempSync(path.join(tmpdir(), 'berth-homes-'))),
    config,
    clock,
  });
  const users = new Users(store, sessions, () => now);
  const reconciler = new Reconciler({ sessions, compute, ingress, activity, clock, log: silentLog });
  const { user: admin } = await users.bootstrapAdmin(ADMIN_KEY);
  const app = createApp({ sessions, users, log: silentLog });

  const request = (
    method: string,
    url: string,
    options: { key?: string; body?: unknown; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (options.key) headers.Authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return app.request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  };

  return {
    app,
    store,
    compute,
    ingress,
    activity,
    sessions,
    users,
    reconciler,
    admin,
    config,
    request,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    async newUser(name: string) {
      const res = await request('POST', '/v1/users', { key: ADMIN_KEY, body: { name } });
      return (await res.json()) as { user: { id: string; name: string }; apiKey: string };
    },
    /** plays the compute event source: the session's task became healthy */
    async makeRunning(sessionId: string) {
      const task = compute.becomeHealthy(sessionId);
      await sessions.onComputeEvent({
        sessionId,
        computeId: task.computeId,
        state: 'RUNNING',
        endpoint: task.endpoint ?? { host: '127.0.0.1', port: 1 },
      });
    },
    async makeStopped(sessionId: string, reason?: string) {
      for (const task of compute.forSession(sessionId)) {
        task.state = 'STOPPED';
        await sessions.onComputeEvent({
          sessionId,
          computeId: task.computeId,
          state: 'STOPPED',
          ...(reason ? { reason } : {}),
        });
      }
    },
    close: () => dynamo.close(),
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
