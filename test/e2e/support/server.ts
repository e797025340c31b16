/** Runs the real single-host server (lambdas/host/main.ts) as a child process, as `npm start` does. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { freePort } from '../../../lambdas/host/free-port.ts';

export const docker = new Dockerode();

export interface BerthProcess {
  url: string;
  port: number;
  dataDir: string;
  adminKey: string;
  output: () => string;
  /** SIGKILL: the server gets no chance to clean up (a crash) */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(
  options: { dataDir?: string; port?: number; env?: Record<string, string> } = {},
) {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'berth-e2e-'));
  const port = options.port ?? (await freePort());
  const adminKey = 'berth_e2e-admin-key-0123456789';
  // `node --import tsx` (not the tsx CLI) so the server is one process and a kill hits it.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'lambdas/host/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../../..'),
    env: {
      ...process.env,
      BERTH_PORT: String(port),
      BERTH_HOST: '127.0.0.1',
      BERTH_DATA_DIR: dataDir,
      BERTH_ADMIN_KEY: adminKey,
      BERTH_REAPER_INTERVAL_SECONDS: '2',
      BERTH_LOG_LEVEL: 'WARN',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const check = () => {
      if (output.includes('Berth is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const server: BerthProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    adminKey,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  return server;
}

/** Removes every container a test installation left, whatever state the test ended in. */
export async function removeContainersOf(dataDir: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  let installation: string;
  try {
    installation = readFileSync(path.join(dataDir, 'installation-id'), 'utf8').trim();
  } catch {
    return;
  }
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`berth.installation=${installation}`] },
  });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
