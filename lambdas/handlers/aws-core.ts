/**
 * The core wired to the AWS drivers: what every Lambda, `npm run emulate` and the AWS tests run.
 * The AWS twin of host/berth-host.ts, without the process-level parts (server, timers).
 */
import { createApp } from '../api/app.ts';
import type { CoreConfig } from '../core/config.ts';
import type { ActivityProbe, Clock, Store } from '../core/interfaces.ts';
import type { Log } from '../core/log.ts';
import { Reconciler } from '../core/reconciler.ts';
import { Sessions } from '../core/sessions.ts';
import { Users } from '../core/users.ts';
import { AgentActivityProbe } from '../drivers/agent-activity.ts';
import type { AwsClients } from '../drivers/aws/clients.ts';
import { FargateCompute } from '../drivers/aws/compute.ts';
import type { AwsDriverConfig } from '../drivers/aws/config.ts';
import { ElbIngress } from '../drivers/aws/ingress.ts';
import type { IngressLimits } from '../drivers/aws/ingress-capacity.ts';
import { EfsVolumes } from '../drivers/aws/volumes.ts';

export interface AwsCoreOptions {
  aws: AwsDriverConfig;
  core: CoreConfig;
  clients: AwsClients;
  store: Store;
  log: Log;
  clock?: Clock;
  activity?: ActivityProbe;
  /** AWS's quotas unless a test lowers them */
  ingressLimits?: IngressLimits;
  accessPointLimit?: number;
}

export function buildAwsCore(options: AwsCoreOptions) {
  const { aws, clients, store, log } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const compute = new FargateCompute(clients.ecs, aws);
  const ingress = new ElbIngress(clients.elbv2, aws, {
    log,
    heldPorts: async () => (await store.listPorts()).map((hold) => hold.port),
    ...(options.ingressLimits ? { limits: options.ingressLimits } : {}),
  });
  const volumes = new EfsVolumes(clients.efs, aws.fileSystemId, options.accessPointLimit);
  const activity = options.activity ?? new AgentActivityProbe();
  const sessions = new Sessions({
    store,
    compute,
    ingress,
    volumes,
    activity,
    config: options.core,
    clock,
    log,
    isPortUsable: (port) => ingress.isPortUsable(port),
    sshHostFor: (port) => ingress.sshHostFor(port),
    appBaseUrl: (session) => ingress.appBaseUrl(session),
  });
  const users = new Users(store, sessions, () => clock.now());
  const reconciler = new Reconciler({ sessions, compute, ingress, activity, clock, log });
  const app = createApp({ sessions, users, log });
  return { compute, ingress, volumes, activity, sessions, users, reconciler, app };
}

export type AwsCore = ReturnType<typeof buildAwsCore>;
