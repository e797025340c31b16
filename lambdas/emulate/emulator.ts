/**
 * The AWS deployment on one machine, without an account: the same runtime the Lambdas build
 * (handlers/runtime.ts), against moto. The API is served on Node; a timer runs the reaper, which
 * also stands in for ECS events (moto emits none): each tick polls the tasks and moves sessions on.
 */
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { ENV, readInt, readString } from '../config/env.ts';
import { errorMessage } from '../core/log.ts';
import { AgentActivityProbe } from '../drivers/agent-activity.ts';
import { createAwsClients } from '../drivers/aws/clients.ts';
import { createRuntime, type LambdaRuntime } from '../handlers/runtime.ts';
import { DEFAULT_TABLE_NAME } from '../store/table.ts';
import {
  type BaseResources,
  baseEnvironment,
  createBaseResources,
  DEFAULT_TRANSFER_BUCKET,
} from './base-resources.ts';
import { findBaseResources } from './find-base.ts';
import { holdTasksRunning, type Moto, startMoto } from './moto.ts';

type Env = Record<string, string | undefined>;

export interface RunningEmulator {
  url: string;
  endpoint: string;
  /** the admin key if this start knows it (given, or generated on a fresh emulator) */
  adminKey?: { value: string; generated: boolean };
  base: BaseResources;
  runtime: LambdaRuntime;
  close(): Promise<void>;
}

export type Progress = (line: string) => void;

/** There is no agent behind moto's task addresses: give up on them fast (a failed read never idles a session). */
const EMULATED_ACTIVITY_TIMEOUT_MS = 300;

export async function startEmulator(
  env: Env = process.env,
  progress: Progress = () => {},
): Promise<RunningEmulator> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const port = readInt(env, ENV.port, 8080, { min: 1, max: 65535 });
  const host = readString(env, ENV.host, '127.0.0.1');
  const reaperSeconds = readInt(env, ENV.reaperIntervalSeconds, 5, { min: 1, max: 3600 });

  let moto: Moto | undefined;
  let endpoint = env[ENV.awsEndpoint];
  if (endpoint) {
    progress(`aws: using the emulator at ${endpoint}`);
    // moto's default moves a task one lifecycle step per DescribeTasks; Berth polls, so hold them.
    await holdTasksRunning(endpoint).catch(() =>
      progress('aws: not moto? task state transitions left as they are'),
    );
  } else {
    progress('aws: starting moto_server');
    moto = await startMoto();
    endpoint = moto.endpoint;
    progress(`aws: moto_server at ${endpoint}`);
  }

  try {
    const clients = createAwsClients({ region, endpoint });
    const names = {
      tableName: readString(env, ENV.tableName, DEFAULT_TABLE_NAME),
      transferBucket: readString(env, ENV.transferBucket, DEFAULT_TRANSFER_BUCKET),
    };
    let base = moto ? undefined : await findBaseResources(clients, names);
    if (base) progress('aws: reusing the base resources made by an earlier run');
    else {
      progress(
        'aws: creating the base resources (VPC, subnets, security groups, cluster, ALB, NLB, EFS, bucket, table)',
      );
      base = await createBaseResources(clients, { region, endpoint, ...names });
    }

    const runtimeEnv: Env = { ...env, ...baseEnvironment(base, endpoint), AWS_REGION: region };
    const runtime = createRuntime(runtimeEnv, {
      activity: new AgentActivityProbe(EMULATED_ACTIVITY_TIMEOUT_MS),
    });
    const pinned = env[ENV.adminKey];
    const admin = await runtime.users.bootstrapAdmin(pinned || undefined);

    const startup = await runtime.reconciler.run({ interruptedBefore: new Date(), skipIdle: true });
    runtime.log.info('startup reconcile', { ...startup });
    let ticking = false;
    const timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      runtime.reconciler
        .run()
        .catch((error: unknown) => runtime.log.warn('reconcile failed', { error: errorMessage(error) }))
        .finally(() => {
          ticking = false;
        });
    }, reaperSeconds * 1000);

    const server: Server = createServer(getRequestListener(runtime.app.fetch));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

    return {
      url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${boundPort}`,
      endpoint,
      ...(admin.generatedKey
        ? { adminKey: { value: admin.generatedKey, generated: true } }
        : pinned
          ? { adminKey: { value: pinned, generated: false } }
          : {}),
      base,
      runtime,
      async close() {
        clearInterval(timer);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await moto?.stop();
      },
    };
  } catch (error) {
    await moto?.stop();
    throw error;
  }
}
