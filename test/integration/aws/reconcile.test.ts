/**
 * moto emits no ECS events, and on AWS events can be lost: the reaper's poll must converge alone.
 * Tasks stopped behind Berth's back, and tasks or routes no session owns, are cleaned up.
 */
import { StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsHarness, type Moto, startAwsHarness, startMoto } from '../../support/aws-harness.ts';

let moto: Moto;
let h: AwsHarness;
let alice: { apiKey: string };

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());
beforeEach(async () => {
  h = await startAwsHarness(moto);
  alice = await h.newUser('alice');
});

async function runningSession(name: string) {
  const res = await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name } });
  const { id } = (await res.json()) as { id: string };
  await h.reconciler.run();
  const record = await h.store.getSessionById(id);
  expect(record?.status).toBe('RUNNING');
  return record ?? (undefined as never);
}

describe('reconciler on the AWS drivers', () => {
  it('fails a RUNNING session whose task was stopped behind its back (the STOPPED event was lost)', async () => {
    const session = await runningSession('lab');
    await h.clients.ecs.send(
      new StopTaskCommand({
        cluster: h.base.clusterArn,
        task: session.computeId,
        reason: 'Task stopped by operator',
      }),
    );

    const report = await h.reconciler.run();
    expect(report.failed).toEqual([session.id]);
    const failed = await h.store.getSessionById(session.id);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.statusReason).toContain('Task stopped by operator');
    expect(await h.inventory()).toMatchObject({
      targetGroups: [],
      rules: [],
      listeners: [],
      ports: [],
      slots: 0,
    });
  });

  it('marks a STOPPING session STOPPED when its task has stopped (the STOPPED event was lost)', async () => {
    const session = await runningSession('lab');
    await h.request('POST', '/v1/sessions/lab/stop', { key: alice.apiKey });
    const report = await h.reconciler.run();
    expect(report.stopped).toEqual([session.id]);
    expect((await h.store.getSessionById(session.id))?.status).toBe('STOPPED');
  });

  it('stops tasks and removes routes that no session owns', async () => {
    const session = await runningSession('lab');
    // The record vanishes, as if deleted by a control plane that died before cleaning up.
    await h.store.deleteSession(session);

    const report = await h.reconciler.run();
    expect(report.removedCompute).toEqual([session.computeId]);
    expect(report.detachedIngress).toEqual([session.id]);
    h.advance((h.config.launchGraceSeconds + 1) * 1000);
    await h.reconciler.run();
    expect(await h.inventory()).toMatchObject({
      runningTasks: [],
      targetGroups: [],
      rules: [],
      listeners: [],
      ports: [],
      slots: 0,
    });
  });

  it('re-attaches a RUNNING session whose routes were deleted behind its back', async () => {
    const session = await runningSession('lab');
    await h.ingress.detach(session.id);
    const report = await h.reconciler.run();
    expect(report.attachedIngress).toEqual([session.id]);
    const inventory = await h.inventory();
    expect(inventory.rules).toHaveLength(1);
    expect(inventory.listeners.map((l) => l.Port)).toEqual([session.sshPort]);
  });
});
