/**
 * A moto_server child process: the AWS APIs, in memory, on a local port. Its ECS tasks advance a
 * lifecycle step on every DescribeTasks by default (RUNNING -> DEACTIVATING -> ... -> STOPPED);
 * Berth polls tasks, so `holdTasksRunning` makes a task stay where it is until stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../host/free-port.ts';

export interface Moto {
  endpoint: string;
  /** forgets every resource (moto's own reset), and restores the task transition */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function post(endpoint: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`moto ${path} answered ${response.status}`);
}

/** ECS tasks stay in their status until StopTask: the emulated "agent" never stops on its own. */
export async function holdTasksRunning(endpoint: string): Promise<void> {
  await post(endpoint, '/moto-api/state-manager/set-transition', {
    model_name: 'ecs::task',
    transition: { progression: 'manual', times: Number.MAX_SAFE_INTEGER },
  });
}

export async function startMoto(options: { port?: number; command?: string } = {}): Promise<Moto> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    options.command ?? 'moto_server',
    ['-H', '127.0.0.1', '-p', String(port)],
    {
      // stderr is kept (its tail) to explain a failed start; moto logs every request there.
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should this process end without stop() (a crash, process.exit), moto must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      process.removeListener('exit', killOnExit);
      throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.removeListener('exit', killOnExit);
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await holdTasksRunning(endpoint);

  return {
    endpoint,
    async reset() {
      await post(endpoint, '/moto-api/reset');
      await holdTasksRunning(endpoint);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
