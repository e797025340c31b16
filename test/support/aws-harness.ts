/**
 * The core on the AWS drivers against a real moto_server: one moto per test file (beforeAll),
 * reset between tests, the base resources made afresh for each test as the stack would make them.
 */
import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeAccessPointsCommand } from '@aws-sdk/client-efs';
import { createApp } from '../../lambdas/api/app.ts';
import { type CoreConfig, defaultCoreConfig } from '../../lambdas/core/config.ts';
import type { ActivityProbe } from '../../lambdas/core/interfaces.ts';
import { silentLog } from '../../lambdas/core/log.ts';
import { type AwsClients, createAwsClients } from '../../lambdas/drivers/aws/clients.ts';
import { type AwsDriverConfig, readAwsConfig } from '../../lambdas/drivers/aws/config.ts';
import { listListeners, listRules, listTargetGroups } from '../../lambdas/drivers/aws/elb-reads.ts';
import type { IngressLimits } from '../../lambdas/drivers/aws/ingress-capacity.ts';
import {
  type BaseResources,
  baseEnvironment,
  createBaseResources,
} from '../../lambdas/emulate/base-resources.ts';
import { type Moto, startMoto } from '../../lambdas/emulate/moto.ts';
import { buildAwsCore } from '../../lambdas/handlers/aws-core.ts';
import { createDocumentClient } from '../../lambdas/store/client.ts';
import { DynamoStore } from '../../lambdas/store/dynamo-store.ts';
import { Faults } from './aws-faults.ts';
import { ADMIN_KEY } from './harness.ts';

export const REGION = 'us-east-1';

export { ADMIN_KEY, type Moto, startMoto };

/** There is no agent in moto: activity is unknown, which never stops a session. */
const noActivity: ActivityProbe = { read: async () => undefined };

export interface AwsHarnessOptions {
  albs?: number;
  nlbs?: number;
  domain?: string;
  ingressLimits?: IngressLimits;
  accessPointLimit?: number;
  core?: Partial<CoreConfig>;
}

export async function startAwsHarness(moto: Moto, options: AwsHarnessOptions = {}) {
  await moto.reset();
  const clients: AwsClients = createAwsClients({ region: REGION, endpoint: moto.endpoint });
  const faults = new Faults(clients);
  const base: BaseResources = await createBaseResources(clients, {
    region: REGION,
    endpoint: moto.endpoint,
    ...(options.albs ? { albs: options.albs } : {}),
    ...(options.nlbs ? { nlbs: options.nlbs } : {}),
  });
  const env = baseEnvironment(base, moto.endpoint);
  const aws: AwsDriverConfig = {
    ...readAwsConfig({ ...env, AWS_REGION: REGION }),
    ...(options.domain ? { domain: options.domain } : {}),
  };
  const store = new DynamoStore(
    createDocumentClient({ endpoint: moto.endpoint, region: REGION }),
    base.tableName,
  );
  // Starts at the real time: the store stamps port and slot holds with the real clock.
  let now = new Date();
  const clock = { now: () => now };
  const config = defaultCoreConfig({
    images: {
      python: { ref: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth-workspace:1', description: 'test' },
    },
    ...options.core,
  });
  const core = buildAwsCore({
    aws,
    core: config,
    clients,
    store,
    log: silentLog,
    clock,
    activity: noActivity,
    ...(options.ingressLimits ? { ingressLimits: options.ingressLimits } : {}),
    ...(options.accessPointLimit !== undefined ? { accessPointLimit: options.accessPointLimit } : {}),
  });
  const { user: admin } = await core.users.bootstrapAdmin(ADMIN_KEY);
  const app = createApp({ sessions: core.sessions, users: core.users, log: silentLog });

  const request = (method: string, url: string, options: { key?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (options.key) headers.Authorization = `Bearer ${options.key}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    return app.request(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  };

  /** Everything Berth could have left in the account, for "nothing left behind" assertions. */
  const inventory = async () => {
    const runningTasks = await clients.ecs.send(
      new ListTasksCommand({ cluster: base.clusterArn, desiredStatus: 'RUNNING' }),
    );
    const rules = (await Promise.all(base.albPool.map((alb) => listRules(clients.elbv2, alb.listenerArn))))
      .flat()
      .filter((r) => !r.IsDefault);
    const listeners = (
      await Promise.all(base.nlbPool.map((nlb) => listListeners(clients.elbv2, nlb.loadBalancerArn)))
    ).flat();
    const accessPoints = await clients.efs.send(
      new DescribeAccessPointsCommand({ FileSystemId: base.fileSystemId }),
    );
    return {
      runningTasks: runningTasks.taskArns ?? [],
      targetGroups: (await listTargetGroups(clients.elbv2)).map((g) => g.TargetGroupName ?? ''),
      rules,
      listeners,
      ports: (await store.listPorts()).map((p) => p.port),
      slots: (await store.listSlots()).length,
      accessPoints: accessPoints.AccessPoints ?? [],
    };
  };

  return {
    ...core,
    app,
    aws,
    base,
    clients,
    faults,
    store,
    config,
    admin,
    request,
    inventory,
    endpoint: moto.endpoint,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    async newUser(name: string) {
      const res = await request('POST', '/v1/users', { key: ADMIN_KEY, body: { name } });
      return (await res.json()) as { user: { id: string; name: string }; apiKey: string };
    },
  };
}

export type AwsHarness = Awaited<ReturnType<typeof startAwsHarness>>;
