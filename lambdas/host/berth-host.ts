/**
 * Berth on one host: dynalite for state, Docker for compute, host directories for homes, the
 * built-in proxy for ingress, Docker events and a timer for what EventBridge does on AWS.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import path from 'node:path';
import Dockerode from 'dockerode';
import { createApp } from '../api/app.ts';
import { createLog } from '../config/logger.ts';
import { errorMessage } from '../core/log.ts';
import { Reconciler } from '../core/reconciler.ts';
import { Sessions } from '../core/sessions.ts';
import { Users } from '../core/users.ts';
import { AgentActivityProbe } from '../drivers/agent-activity.ts';
import { DockerCompute } from '../drivers/docker/compute.ts';
import { watchDockerEvents } from '../drivers/docker/events.ts';
import { HostIngress } from '../drivers/docker/ingress.ts';
import { HostVolumes } from '../drivers/docker/volumes.ts';
import { createDocumentClient, ensureTable } from '../store/client.ts';
import { DynamoStore } from '../store/dynamo-store.ts';
import { DEFAULT_TABLE_NAME } from '../store/table.ts';
import { ensureDocker, ensureWorkspaceImage, type Progress } from './bootstrap.ts';
import type { HostConfig } from './config.ts';
import { CONSOLE_DIST, ensureConsole } from './console.ts';
import { startDynalite } from './dynalite.ts';
import { SessionProxy } from './proxy.ts';
import { createHostServer } from './server.ts';

export interface RunningHost {
  url: string;
  adminKey: { value: string; generated: boolean } | { file: string };
  server: Server;
  reconciler: Reconciler;
  close(): Promise<void>;
}

/** A per-data-dir id, so two installations sharing one dockerd never touch each other's containers. */
function installationId(dataDir: string): string {
  const file = path.join(dataDir, 'installation-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomBytes(6).toString('hex');
  writeFileSync(file, `${id}\n`);
  return id;
}

/** Can the host bind this port? Something else (not Docker) may be listening there. */
function portBindable(host: string) {
  return (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe: NetServer = createNetServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
}

export async function startBerthHost(config: HostConfig, progress: Progress): Promise<RunningHost> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const { log } = createLog('berth', config.logLevel);

  const docker = new Dockerode();
  await ensureDocker(docker, config.dataDir, progress);
  for (const image of Object.values(config.core.images)) {
    await ensureWorkspaceImage(docker, image.ref, config.dataDir, progress);
  }

  await ensureConsole(progress);

  progress('state: starting dynalite');
  const dynamo = await startDynalite({ path: path.join(config.dataDir, 'db') });
  const db = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(db, DEFAULT_TABLE_NAME);
  const store = new DynamoStore(db, DEFAULT_TABLE_NAME);

  const installation = installationId(config.dataDir);
  // SSH ports are published on the same address the API listens on.
  const compute = new DockerCompute(docker, { installation, sshBindHost: config.host });
  const ingress = new HostIngress();
  const activity = new AgentActivityProbe();
  const sessions = new Sessions({
    store,
    compute,
    ingress,
    volumes: new HostVolumes(path.join(config.dataDir, 'homes')),
    activity,
    config: config.core,
    log,
    isPortUsable: portBindable(config.host),
  });
  const users = new Users(store, sessions);
  const reconciler = new Reconciler({
    sessions,
    compute,
    ingress,
    activity,
    clock: { now: () => new Date() },
    log,
  });

  const admin = await users.bootstrapAdmin(config.adminKey);
  const keyFile = path.join(config.dataDir, 'admin-key');
  if (admin.generatedKey) writeFileSync(keyFile, `${admin.generatedKey}\n`, { mode: 0o600 });

  // Whatever was mid-launch when the last server died will never finish: converge before serving.
  progress('state: reconciling sessions with Docker');
  const startup = await reconciler.run({ interruptedBefore: new Date(), skipIdle: true });
  log.info('startup reconcile', { ...startup });

  const events = watchDockerEvents(docker, installation, (event) => sessions.onComputeEvent(event), log);
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    reconciler
      .run()
      .catch((error: unknown) => log.warn('reconcile failed', { error: errorMessage(error) }))
      .finally(() => {
        ticking = false;
      });
  }, config.reaperIntervalSeconds * 1000);

  const proxy = new SessionProxy((id) => ingress.route(id));
  const server = createHostServer(createApp({ sessions, users, log }), proxy, {
    consoleRoot: CONSOLE_DIST,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });

  return {
    url: config.core.publicUrl,
    adminKey: admin.generatedKey
      ? { value: admin.generatedKey, generated: true }
      : config.adminKey
        ? { value: config.adminKey, generated: false }
        : { file: keyFile },
    server,
    reconciler,
    async close() {
      clearInterval(timer);
      events.stop();
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dynamo.close();
    },
  };
}
