/**
 * A failure at every AWS step of the launch saga leaves nothing behind: no task, target group,
 * rule, listener, port or slot. Failures are injected by an SDK middleware on the real clients
 * (test/support/aws-faults.ts), so every other call still goes to moto; no SDK mocks are needed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsHarness, type Moto, startAwsHarness, startMoto } from '../../support/aws-harness.ts';

interface SessionBody {
  id: string;
  status: string;
  statusReason: string | null;
}

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

async function createSession(): Promise<SessionBody> {
  const res = await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name: 'lab' } });
  expect(res.status).toBe(202);
  return (await res.json()) as SessionBody;
}

async function expectNothingLeft() {
  expect(await h.inventory()).toMatchObject({
    runningTasks: [],
    targetGroups: [],
    rules: [],
    listeners: [],
    ports: [],
    slots: 0,
  });
}

describe('launch steps (before compute runs)', () => {
  it('a failed access point creation refuses the launch with nothing written', async () => {
    h.faults.failOn('CreateAccessPointCommand');
    const res = await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name: 'lab' } });
    // The home comes before the session record, so the client gets the fault and no session.
    expect(res.status).toBe(500);
    expect(res.headers.get('Content-Type')).toContain('application/problem+json');
    expect(await h.store.listAllSessions()).toEqual([]);
    await expectNothingLeft();
    expect((await h.inventory()).accessPoints).toEqual([]);
  });

  it.each([
    ['task definition registration', 'RegisterTaskDefinitionCommand'],
    ['RunTask', 'RunTaskCommand'],
  ])('a failed %s fails the session and frees everything', async (_step, command) => {
    h.faults.failOn(command);
    const created = await createSession();
    expect(created.status).toBe('FAILED');
    expect(created.statusReason).toContain(`injected failure of ${command}`);
    await expectNothingLeft();
  });
});

describe('ingress steps (when the task runs)', () => {
  it.each([
    ['app target group creation', 'CreateTargetGroupCommand'],
    ['target registration', 'RegisterTargetsCommand'],
    ['rule creation', 'CreateRuleCommand'],
    ['listener creation', 'CreateListenerCommand'],
  ])(
    'a failed %s rolls the attach back; a lasting failure ends FAILED with nothing left',
    async (_step, command) => {
      const created = await createSession();
      h.faults.failOn(command, { times: 1000 });

      const tick = await h.reconciler.run();
      expect(tick.running).toEqual([]);
      const inventory = await h.inventory();
      // The attach took back whatever it had made; the session waits, its task still runs.
      expect(inventory).toMatchObject({ targetGroups: [], rules: [], listeners: [] });
      expect(inventory.runningTasks).toHaveLength(1);
      expect((await h.store.getSessionById(created.id))?.status).toBe('PROVISIONING');

      h.advance((h.config.provisionTimeoutSeconds + 1) * 1000);
      await h.reconciler.run();
      const failed = await h.store.getSessionById(created.id);
      expect(failed?.status).toBe('FAILED');
      expect(failed?.statusReason).toContain(
        `could not route traffic to it in time: injected failure of ${command}`,
      );
      await expectNothingLeft();
    },
  );

  it('a passing failure is retried by the next reaper tick', async () => {
    const created = await createSession();
    h.faults.failOn('CreateListenerCommand');
    await h.reconciler.run();
    expect((await h.store.getSessionById(created.id))?.status).toBe('PROVISIONING');

    const tick = await h.reconciler.run();
    expect(tick.running).toEqual([created.id]);
    const inventory = await h.inventory();
    expect(inventory.rules).toHaveLength(1);
    expect(inventory.listeners).toHaveLength(1);
    expect(inventory.targetGroups).toHaveLength(2);
  });
});
