import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../lambdas/core/model.ts';
import { type Harness, startHarness } from '../support/harness.ts';

let h: Harness;
let alice: { user: { id: string }; apiKey: string };

beforeEach(async () => {
  h = await startHarness({ idleTimeoutMinutes: 30, launchGraceSeconds: 120 });
  alice = await h.newUser('alice');
});
afterEach(() => h.close());

async function launch(name: string): Promise<SessionRecord> {
  const res = await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name } });
  const { id } = (await res.json()) as { id: string };
  const record = await h.store.getSessionById(id);
  if (!record) throw new Error('session missing');
  return record;
}

const fresh = async (id: string) => h.store.getSessionById(id);

describe('reconciler', () => {
  it('fails a launch cut off before compute was recorded, and frees everything it took', async () => {
    const user = await h.store.getUser(alice.user.id);
    if (!user) throw new Error('no user');
    // What a server killed between "write PENDING" and "record compute" leaves behind:
    const record = await launch('cut');
    await h.store.updateSession(record, { status: 'PENDING' }, ['computeId']);
    expect(h.compute.forSession(record.id)).toHaveLength(1);

    const report = await h.reconciler.run({
      interruptedBefore: new Date(h.config.launchGraceSeconds * 1000 + Date.parse('2026-11-23T12:00:00Z')),
    });
    expect(report.failed).toContain(record.id);
    const after = await fresh(record.id);
    expect(after?.status).toBe('FAILED');
    expect(after?.statusReason).toContain('interrupted');
    expect(h.compute.forSession(record.id)).toEqual([]);
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
  });

  it('leaves a young PENDING launch alone (it may still be running)', async () => {
    const record = await launch('young');
    await h.store.updateSession(record, { status: 'PENDING' }, ['computeId']);
    const report = await h.reconciler.run();
    expect(report.failed).toEqual([]);
    expect((await fresh(record.id))?.status).toBe('PENDING');
    expect(await h.store.listPorts()).toHaveLength(1);
  });

  it('moves PROVISIONING to RUNNING when the healthy event was lost', async () => {
    const record = await launch('lost-event');
    h.compute.becomeHealthy(record.id, { host: '10.0.0.5', port: 8080 });
    const report = await h.reconciler.run();
    expect(report.running).toEqual([record.id]);
    const after = await fresh(record.id);
    expect(after?.status).toBe('RUNNING');
    expect(after?.endpoint).toEqual({ host: '10.0.0.5', port: 8080 });
    expect(h.ingress.routes.get(record.id)).toEqual({ host: '10.0.0.5', port: 8080 });
  });

  it('keeps ingress when the event and the reconciler both try to mark a session RUNNING', async () => {
    for (let i = 0; i < 5; i++) {
      const record = await launch(`race-${i}`);
      const task = h.compute.becomeHealthy(record.id, { host: '10.0.0.9', port: 8080 });
      await Promise.all([
        h.reconciler.run(),
        h.sessions.onComputeEvent({
          sessionId: record.id,
          computeId: task.computeId,
          state: 'RUNNING',
          endpoint: { host: '10.0.0.9', port: 8080 },
        }),
      ]);
      expect((await fresh(record.id))?.status).toBe('RUNNING');
      expect(h.ingress.routes.has(record.id)).toBe(true);
      await h.request('DELETE', `/v1/sessions/race-${i}`, { key: alice.apiKey });
    }
  });

  it('fails a session whose compute runs but cannot be routed to, once past the deadline', async () => {
    const record = await launch('unroutable');
    h.compute.becomeHealthy(record.id);
    h.ingress.attach = async () => {
      throw new Error('load balancer refused');
    };
    await h.reconciler.run();
    expect((await fresh(record.id))?.status).toBe('PROVISIONING');
    h.advance((h.config.provisionTimeoutSeconds + 1) * 1000);
    const report = await h.reconciler.run();
    expect(report.failed).toEqual([record.id]);
    const after = await fresh(record.id);
    expect(after?.statusReason).toContain('could not route traffic to it in time: load balancer refused');
    expect(h.compute.forSession(record.id)).toEqual([]);
  });

  it('fails a RUNNING session whose compute died unseen, and removes its ingress', async () => {
    const record = await launch('died');
    await h.makeRunning(record.id);
    const [task] = h.compute.forSession(record.id);
    if (task) {
      task.state = 'STOPPED';
      task.reason = 'exited with code 1';
    }
    await h.reconciler.run();
    const after = await fresh(record.id);
    expect(after?.status).toBe('FAILED');
    expect(after?.statusReason).toContain('exited with code 1');
    expect(h.ingress.routes.has(record.id)).toBe(false);
    expect(await h.store.listSlots()).toEqual([]);
  });

  it('finishes a stop whose STOPPED event was lost', async () => {
    const record = await launch('stopping');
    await h.makeRunning(record.id);
    await h.request('POST', '/v1/sessions/stopping/stop', { key: alice.apiKey });
    await h.reconciler.run();
    const after = await fresh(record.id);
    expect(after?.status).toBe('STOPPED');
    expect(after?.sshPort).toBe(record.sshPort);
    expect(await h.store.listSlots()).toEqual([]);
  });

  it('re-attaches ingress for RUNNING sessions after a control-plane restart', async () => {
    const record = await launch('reattach');
    await h.makeRunning(record.id);
    h.ingress.routes.clear();
    const report = await h.reconciler.run();
    expect(report.attachedIngress).toEqual([record.id]);
    expect(h.ingress.routes.has(record.id)).toBe(true);
  });

  it('removes compute no session owns and frees settled orphan ports and slots', async () => {
    const record = await launch('victim');
    await h.makeRunning(record.id);
    // Delete the record behind the core's back, as a crash after the delete would leave things.
    await h.store.deleteSession((await fresh(record.id)) as SessionRecord);
    await h.store.claimPort(40001, 's-aaaaaaaaaaaaaaaaaaaa');

    const early = await h.reconciler.run();
    expect(early.removedCompute).toHaveLength(1);
    expect(early.detachedIngress).toEqual([record.id]);
    // Holds younger than the launch grace may belong to a launch in flight: kept for now.
    expect(early.releasedPorts).toEqual([]);

    h.advance((h.config.launchGraceSeconds + 1) * 1000);
    // Real time has not moved for the store's claimedAt stamps, so age them through the option.
    const later = await h.reconciler.run({ interruptedBefore: new Date(Date.now() + 1000) });
    expect(later.releasedPorts.sort()).toEqual([40001, record.sshPort].sort());
    expect(later.releasedSlots).toBe(2);
    expect(await h.store.listPorts()).toEqual([]);
    expect(await h.store.listSlots()).toEqual([]);
  });
});

describe('idle reaping', () => {
  it('stops a session idle for longer than the timeout', async () => {
    const record = await launch('sleepy');
    await h.makeRunning(record.id);
    h.activity.bySession.set(record.id, { lastActivityAt: '2026-11-23T12:00:00.000Z' });
    h.advance(31 * 60_000);
    const report = await h.reconciler.run();
    expect(report.idleStopped).toEqual([record.id]);
    const after = await fresh(record.id);
    expect(after?.status).toBe('STOPPING');
    expect(after?.statusReason).toContain('idle');
  });

  it('keeps a session whose agent reports recent activity', async () => {
    const record = await launch('busy');
    await h.makeRunning(record.id);
    h.advance(31 * 60_000);
    h.activity.bySession.set(record.id, {
      lastActivityAt: new Date(Date.parse('2026-11-23T12:30:00Z')).toISOString(),
    });
    const report = await h.reconciler.run();
    expect(report.idleStopped).toEqual([]);
    const after = await fresh(record.id);
    expect(after?.status).toBe('RUNNING');
    expect(after?.lastActivityAt).toBe('2026-11-23T12:30:00.000Z');
  });

  it('never stops a session whose activity cannot be read', async () => {
    const record = await launch('unknown');
    await h.makeRunning(record.id);
    h.activity.read = async () => {
      throw new Error('connection refused');
    };
    h.advance(120 * 60_000);
    const report = await h.reconciler.run();
    expect(report.idleStopped).toEqual([]);
    expect((await fresh(record.id))?.status).toBe('RUNNING');
  });

  it('does not judge idleness on the startup pass', async () => {
    const record = await launch('after-outage');
    await h.makeRunning(record.id);
    h.advance(120 * 60_000);
    const report = await h.reconciler.run({ skipIdle: true });
    expect(report.idleStopped).toEqual([]);
  });
});
