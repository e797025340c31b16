/**
 * A session's whole life on the AWS drivers, through the API, against moto: RunTask, the reaper's
 * polling in place of ECS events, ALB rule and NLB listener, stop, delete, nothing left behind.
 */
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TAG } from '../../../lambdas/config/aws.ts';
import { forwardTargets } from '../../../lambdas/drivers/aws/elb-reads.ts';
import { type AwsHarness, type Moto, startAwsHarness, startMoto } from '../../support/aws-harness.ts';

interface SessionBody {
  id: string;
  status: string;
  statusReason: string | null;
  ssh: { host: string; port: number };
}

let moto: Moto;
let h: AwsHarness;
let alice: { user: { id: string }; apiKey: string };

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());
beforeEach(async () => {
  h = await startAwsHarness(moto);
  alice = await h.newUser('alice');
});

async function getSession(ref: string): Promise<SessionBody> {
  return (await (await h.request('GET', `/v1/sessions/${ref}`, { key: alice.apiKey })).json()) as SessionBody;
}

describe('session lifecycle on the AWS drivers (moto)', () => {
  it('runs a Fargate task, routes it through the ALB and NLB, stops and deletes without a trace', async () => {
    const res = await h.request('POST', '/v1/sessions', {
      key: alice.apiKey,
      body: { name: 'lab', resources: { cpu: 1, memoryMiB: 1024 } },
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as SessionBody;
    expect(created.status).toBe('PROVISIONING');
    // The SSH host is the NLB the port maps to, known before the task runs.
    expect(created.ssh.host).toBe(h.base.nlbPool[0]?.dnsName);

    // RunTask happened: tagged, startedBy the session, env and home carried over.
    const record = await h.store.getSessionById(created.id);
    const computeId = record?.computeId ?? '';
    const described = await h.clients.ecs.send(
      new DescribeTasksCommand({ cluster: h.base.clusterArn, tasks: [computeId], include: ['TAGS'] }),
    );
    const task = described.tasks?.[0];
    expect(task?.startedBy).toBe(created.id);
    expect(task?.launchType).toBe('FARGATE');
    expect(task?.tags).toEqual(
      expect.arrayContaining([
        { key: TAG.session, value: created.id },
        { key: TAG.owner, value: alice.user.id },
        { key: TAG.managed, value: 'true' },
      ]),
    );
    const env = task?.overrides?.containerOverrides?.[0]?.environment ?? [];
    expect(env).toContainEqual({ name: 'BERTH_SESSION_ID', value: created.id });
    const definition = await h.compute.taskDefinitions.ensure({
      image: h.config.images.python?.ref ?? '',
      // 1 vCPU with 1 GiB is no Fargate size: rounded up to 1 vCPU with 2 GiB.
      size: { cpu: 1024, memoryMiB: 2048 },
      accessPointId: (await h.inventory()).accessPoints[0]?.AccessPointId ?? '',
    });
    expect(task?.taskDefinitionArn).toBe(definition);

    // No ECS events in moto: the reaper's poll moves it to RUNNING.
    const tick = await h.reconciler.run();
    expect(tick.running).toEqual([created.id]);
    const running = await getSession('lab');
    expect(running.status).toBe('RUNNING');

    const inventory = await h.inventory();
    expect(inventory.rules).toHaveLength(1);
    const rule = inventory.rules[0];
    expect(rule?.Conditions?.[0]?.PathPatternConfig?.Values).toEqual([
      `/s/${created.id}`,
      `/s/${created.id}/*`,
    ]);
    expect(inventory.listeners).toHaveLength(1);
    const listener = inventory.listeners[0];
    expect(listener?.Port).toBe(created.ssh.port);
    expect(listener?.Protocol).toBe('TCP');
    expect(inventory.targetGroups.sort()).toEqual(
      [`berth-app-${created.id.slice(2)}`, `berth-ssh-${created.id.slice(2)}`].sort(),
    );
    // The task's IP is the target, on the agent's port behind the rule.
    const [appGroup] = forwardTargets(rule?.Actions);
    const health = await h.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: appGroup }));
    const taskIp = (await h.store.getSessionById(created.id))?.endpoint?.host;
    expect(taskIp).toMatch(/^10\./);
    expect(health.TargetHealthDescriptions?.[0]?.Target).toMatchObject({ Id: taskIp, Port: 8080 });
    expect(await h.ingress.list()).toEqual([created.id]);

    // Apps open on the session's ALB.
    const open = await h.request('POST', '/v1/sessions/lab/apps/jupyter', { key: alice.apiKey });
    expect(open.status).toBe(200);
    const { url } = (await open.json()) as { url: string };
    expect(url.startsWith(`http://${h.base.albPool[0]?.dnsName}/s/${created.id}/jupyter/?`)).toBe(true);

    const stop = await h.request('POST', '/v1/sessions/lab/stop', { key: alice.apiKey });
    expect(((await stop.json()) as SessionBody).status).toBe('STOPPING');
    const afterStop = await h.inventory();
    expect(afterStop).toMatchObject({ rules: [], listeners: [], targetGroups: [], runningTasks: [] });
    expect(afterStop.ports).toEqual([created.ssh.port]);

    await h.reconciler.run();
    const stopped = await getSession('lab');
    expect(stopped.status).toBe('STOPPED');
    expect(stopped.ssh.port).toBe(created.ssh.port);

    const del = await h.request('DELETE', '/v1/sessions/lab', { key: alice.apiKey });
    expect(del.status).toBe(204);
    const end = await h.inventory();
    expect(end).toMatchObject({
      rules: [],
      listeners: [],
      targetGroups: [],
      runningTasks: [],
      ports: [],
      slots: 0,
    });
    // The home outlives the session.
    expect(end.accessPoints).toHaveLength(1);
  });

  it('restarts a stopped session on a new task with the same SSH port and home', async () => {
    const created = (await (
      await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name: 'again' } })
    ).json()) as SessionBody;
    await h.reconciler.run();
    await h.request('POST', '/v1/sessions/again/stop', { key: alice.apiKey });
    await h.reconciler.run();
    const first = await h.store.getSessionById(created.id);

    const start = await h.request('POST', '/v1/sessions/again/start', { key: alice.apiKey });
    expect(start.status).toBe(202);
    await h.reconciler.run();
    const second = await h.store.getSessionById(created.id);
    expect(second?.status).toBe('RUNNING');
    expect(second?.sshPort).toBe(first?.sshPort);
    expect(second?.computeId).not.toBe(first?.computeId);
    const inventory = await h.inventory();
    expect(inventory.runningTasks).toEqual([second?.computeId]);
    expect(inventory.accessPoints).toHaveLength(1);
    expect(inventory.listeners.map((l) => l.Port)).toEqual([first?.sshPort]);
  });

  it('routes by host name when a domain is configured', async () => {
    h = await startAwsHarness(moto, { domain: 'sessions.example.com' });
    alice = await h.newUser('alice');
    const created = (await (
      await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name: 'dom' } })
    ).json()) as SessionBody;
    await h.reconciler.run();
    const [rule] = (await h.inventory()).rules;
    expect(rule?.Conditions?.[0]?.HostHeaderConfig?.Values).toEqual([`${created.id}.sessions.example.com`]);
    const open = await h.request('POST', '/v1/sessions/dom/apps/ttyd', { key: alice.apiKey });
    const { url } = (await open.json()) as { url: string };
    expect(url.startsWith(`https://${created.id}.sessions.example.com/s/${created.id}/ttyd/?`)).toBe(true);
  });

  it('survives two concurrent attaches of one session (ECS event and reaper at once)', async () => {
    const created = (await (
      await h.request('POST', '/v1/sessions', { key: alice.apiKey, body: { name: 'race' } })
    ).json()) as SessionBody;
    const record = await h.store.getSessionById(created.id);
    if (!record) throw new Error('no record');
    const endpoint = { host: '10.20.0.9', port: 8080 };
    const results = await Promise.allSettled([
      h.ingress.attach(record, endpoint),
      h.ingress.attach(record, endpoint),
    ]);
    // At least one attach completes, and whichever lost took back only what it made itself.
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const inventory = await h.inventory();
    expect(inventory.listeners.map((l) => l.Port)).toEqual([created.ssh.port]);
    expect(inventory.targetGroups).toHaveLength(2);
    expect(inventory.rules.length).toBeGreaterThanOrEqual(1);

    await h.ingress.detach(created.id);
    expect(await h.inventory()).toMatchObject({ rules: [], listeners: [], targetGroups: [] });
  });
});
