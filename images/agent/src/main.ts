/**
 * The workspace container's entrypoint (under tini): prepares the home, starts sshd and Jupyter
 * as `work`, serves :8080, samples activity, and on SIGTERM stops everything and exits 0 well
 * within Docker's and ECS's 10-second stop timeout.
 */
import { fileURLToPath } from 'node:url';
import { ActivityTracker, cpuPercent } from './activity.ts';
import { AppGate } from './auth.ts';
import type { SupervisedChild } from './children.ts';
import { ConfigError, PORTS, readConfig } from './config.ts';
import { prepareHome } from './home.ts';
import { createAgentServer } from './http-server.ts';
import { busyKernels, startJupyter } from './jupyter.ts';
import { errorMessage, log, setLogContext } from './log.ts';
import { containerCpuMicros, listeningPorts, listProcesses } from './proc.ts';
import { createJupyterProxy } from './proxy.ts';
import { countSshConnections, startSshd } from './ssh.ts';
import { TerminalService } from './terminal.ts';
import { TerminalPage } from './terminal-page.ts';

const SAMPLE_INTERVAL_MS = 5_000;
const CHILD_STOP_GRACE_MS = 5_000;
/** Exit even if something hangs: the platform would SIGKILL at 10 s and log an unclean stop. */
const SHUTDOWN_DEADLINE_MS = 8_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error('config-invalid', { error: err.message });
      process.exit(2);
    }
    throw err;
  }
  setLogContext({ sessionId: config.sessionId });
  log.info('agent-starting', { basePath: config.basePath, node: process.version });

  // The agent keeps root's supplementary groups otherwise, and node-pty's setuid/setgid does not
  // drop them: the user's shells would run with group root.
  process.setgroups?.([]);

  await prepareHome();
  const terminalPage = await TerminalPage.load(fileURLToPath(new URL('./static/', import.meta.url)));

  const startedAt = new Date();
  const activity = new ActivityTracker(startedAt);
  const children: SupervisedChild[] = [];
  const sshd = await startSshd(config);
  children.push(sshd);
  children.push(startJupyter(config));

  const terminal = new TerminalService(config, activity);
  const server = createAgentServer({
    basePath: config.basePath,
    appSecret: config.appSecret,
    gate: new AppGate({ sessionId: config.sessionId, secret: config.appSecret, basePath: config.basePath }),
    activity,
    jupyter: createJupyterProxy(config.sessionId, activity),
    terminal,
    terminalPage,
    isHealthy: async () => {
      const ports = await listeningPorts();
      return ports.has(PORTS.ssh) && ports.has(PORTS.jupyter);
    },
  });
  server.listen(PORTS.http, () => log.info('agent-listening', { port: PORTS.http }));

  let lastCpu = { micros: await containerCpuMicros(), at: Date.now() };
  const sampler = setInterval(() => {
    void (async () => {
      const [processes, kernelsBusy, micros] = await Promise.all([
        listProcesses(),
        busyKernels(config.basePath),
        containerCpuMicros(),
      ]);
      const now = Date.now();
      const cpu =
        micros !== undefined && lastCpu.micros !== undefined
          ? cpuPercent(lastCpu.micros, micros, now - lastCpu.at)
          : 0;
      lastCpu = { micros, at: now };
      activity.record({
        sshConnections: countSshConnections(processes, sshd.pid),
        kernelsBusy,
        cpuPercent: cpu,
      });
    })().catch((err: unknown) => log.warn('activity-sample-failed', { error: errorMessage(err) }));
  }, SAMPLE_INTERVAL_MS);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('agent-stopping', { signal });
    setTimeout(() => {
      log.warn('agent-stop-deadline', { afterMs: SHUTDOWN_DEADLINE_MS });
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    clearInterval(sampler);
    server.close();
    server.closeAllConnections?.();
    void Promise.allSettled([
      terminal.stop(),
      ...children.map((child) => child.stop(CHILD_STOP_GRACE_MS)),
    ]).then(() => {
      log.info('agent-stopped', {});
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  log.error('agent-failed', { error: errorMessage(err) });
  process.exit(1);
});
