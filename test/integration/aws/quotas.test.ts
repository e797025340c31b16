/**
 * AWS quotas moto does not enforce, enforced by the drivers before anything is made: listeners per
 * NLB, target groups per ALB, rules per ALB listener, access points per file system. The pools are
 * filled in moto directly, as other sessions would have filled them.
 */
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../../lambdas/config/aws.ts';
import { type AwsHarness, type Moto, startAwsHarness, startMoto } from '../../support/aws-harness.ts';

let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());

async function targetGroup(h: AwsHarness, name: string, protocol: 'TCP' | 'HTTP'): Promise<string> {
  const out = await h.clients.elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: protocol,
      Port: 80,
      VpcId: h.base.vpcId,
      TargetType: 'ip',
    }),
  );
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

async function fillNlb(h: AwsHarness, index: number) {
  const nlb = h.base.nlbPool[index];
  if (!nlb) throw new Error(`no NLB ${index}`);
  const group = await targetGroup(h, `filler-nlb-${index}`, 'TCP');
  for (let i = 0; i < AWS_LIMITS.listenersPerNlb; i++) {
    await h.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: nlb.loadBalancerArn,
        Protocol: 'TCP',
        // Ports outside Berth's range: someone else's listeners count against the quota all the same.
        Port: 2000 + i * 2 + index,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: group }],
      }),
    );
  }
}

async function createSession(h: AwsHarness, key: string, name: string) {
  return h.request('POST', '/v1/sessions', { key, body: { name } });
}

async function expectNothingWritten(h: AwsHarness, key: string) {
  const list = await h.request('GET', '/v1/sessions', { key });
  expect(((await list.json()) as { sessions: unknown[] }).sessions).toEqual([]);
  const inventory = await h.inventory();
  expect(inventory).toMatchObject({ runningTasks: [], ports: [], slots: 0, accessPoints: [] });
}

describe('NLB pool: 50 listeners per NLB', () => {
  it('refuses a session with 503 ingress-capacity when the only NLB is full, writing nothing', async () => {
    const h = await startAwsHarness(moto);
    const alice = await h.newUser('alice');
    await fillNlb(h, 0);
    const res = await createSession(h, alice.apiKey, 'lab');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem.type).toMatch(/\/ingress-capacity$/);
    expect(problem.detail).toContain('maximum of 50 SSH ports');
    await expectNothingWritten(h, alice.apiKey);
  });

  it('with one NLB of two full, gives only ports that map to the other, whose DNS name is the SSH host', async () => {
    const h = await startAwsHarness(moto, { nlbs: 2 });
    const alice = await h.newUser('alice');
    await fillNlb(h, 0);
    for (const name of ['one', 'two', 'three']) {
      const res = await createSession(h, alice.apiKey, name);
      expect(res.status).toBe(202);
      const body = (await res.json()) as { ssh: { host: string; port: number } };
      expect(body.ssh.port % 2).toBe(1);
      expect(body.ssh.host).toBe(h.base.nlbPool[1]?.dnsName);
    }
  });

  it('counts ports held by stopped sessions against their NLB', async () => {
    const h = await startAwsHarness(moto, {
      ingressLimits: { listenersPerNlb: 1, targetGroupsPerAlb: 100, rulesPerAlbListener: 100 },
    });
    const alice = await h.newUser('alice');
    expect((await createSession(h, alice.apiKey, 'first')).status).toBe(202);
    await h.reconciler.run();
    await h.request('POST', '/v1/sessions/first/stop', { key: alice.apiKey });
    await h.reconciler.run();
    // No listener now, but the stopped session keeps its port and will need it again.
    expect((await h.inventory()).listeners).toEqual([]);
    expect((await createSession(h, alice.apiKey, 'second')).status).toBe(503);
    // The stopped session itself can start again on its own port.
    expect((await h.request('POST', '/v1/sessions/first/start', { key: alice.apiKey })).status).toBe(202);
  });
});

describe('ALB pool: 100 target groups per ALB, 100 rules per listener', () => {
  it('refuses with 503 when the ALB has 100 target groups (50 rules, each forwarding to 2)', async () => {
    const h = await startAwsHarness(moto);
    const alice = await h.newUser('alice');
    const alb = h.base.albPool[0];
    if (!alb) throw new Error('no ALB');
    for (let i = 0; i < AWS_LIMITS.targetGroupsPerAlb / 2; i++) {
      const a = await targetGroup(h, `filler-a-${i}`, 'HTTP');
      const b = await targetGroup(h, `filler-b-${i}`, 'HTTP');
      await h.clients.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: alb.listenerArn,
          Priority: 1 + i,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/other/${i}/*`] } }],
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: a, Weight: 1 },
                  { TargetGroupArn: b, Weight: 1 },
                ],
              },
            },
          ],
        }),
      );
    }
    const res = await createSession(h, alice.apiKey, 'lab');
    expect(res.status).toBe(503);
    const problem = (await res.json()) as { type: string; title: string };
    expect(problem.type).toMatch(/\/ingress-capacity$/);
    expect(problem.title).toContain('apps');
    await expectNothingWritten(h, alice.apiKey);
  });

  it('refuses with 503 when the listener has 100 rules', async () => {
    const h = await startAwsHarness(moto);
    const alice = await h.newUser('alice');
    const alb = h.base.albPool[0];
    if (!alb) throw new Error('no ALB');
    for (let i = 0; i < AWS_LIMITS.rulesPerAlbListener; i++) {
      await h.clients.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: alb.listenerArn,
          Priority: 1 + i,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/other/${i}/*`] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
    }
    const res = await createSession(h, alice.apiKey, 'lab');
    expect(res.status).toBe(503);
    await expectNothingWritten(h, alice.apiKey);
  });

  it('spreads sessions over a pool of two ALBs', async () => {
    const h = await startAwsHarness(moto, { albs: 2 });
    const alice = await h.newUser('alice');
    for (const name of ['one', 'two']) expect((await createSession(h, alice.apiKey, name)).status).toBe(202);
    await h.reconciler.run();
    const rules = (await h.inventory()).rules;
    expect(rules).toHaveLength(2);
    const urls = await Promise.all(
      ['one', 'two'].map(async (name) => {
        const res = await h.request('POST', `/v1/sessions/${name}/apps/jupyter`, { key: alice.apiKey });
        return new URL(((await res.json()) as { url: string }).url).host;
      }),
    );
    expect(new Set(urls)).toEqual(new Set(h.base.albPool.map((alb) => alb.dnsName)));
  });
});

describe('EFS: access points per file system', () => {
  it('refuses the launch of a new user home with a 503 when the file system is full, writing nothing', async () => {
    const h = await startAwsHarness(moto, { accessPointLimit: 1 });
    const alice = await h.newUser('alice');
    const bob = await h.newUser('bob');
    expect((await createSession(h, alice.apiKey, 'lab')).status).toBe(202);
    const res = await createSession(h, bob.apiKey, 'lab');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toContain('already has 1 access points');
    expect(await h.store.getSession(bob.user.id, 'lab')).toBeUndefined();
    const inventory = await h.inventory();
    expect(inventory.accessPoints).toHaveLength(1);
    expect(inventory.runningTasks).toHaveLength(1);
    expect(inventory.ports).toHaveLength(1);
  });
});
