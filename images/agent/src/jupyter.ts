/**
 * Jupyter Notebook (Debian's 6.4) behind the agent. It listens on loopback only and trusts every
 * request it gets: the agent has already checked the session cookie.
 */
import { get } from 'node:http';
import { SupervisedChild, workEnvironment } from './children.ts';
import type { AgentConfig } from './config.ts';
import { PORTS, WORK_USER } from './config.ts';

export function jupyterBaseUrl(basePath: string): string {
  return `${basePath}/jupyter/`;
}

export function jupyterArgs(config: AgentConfig): string[] {
  return [
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${PORTS.jupyter}`,
    // Another port would be unreachable through the proxy; fail instead of drifting.
    '--NotebookApp.port_retries=0',
    `--NotebookApp.base_url=${jupyterBaseUrl(config.basePath)}`,
    `--notebook-dir=${WORK_USER.home}`,
    '--NotebookApp.token=',
    '--NotebookApp.password=',
    // Bound to loopback, Jupyter otherwise rejects any Host header that is not localhost (its
    // DNS-rebinding guard), and the proxy keeps the browser's Host. The guard is redundant here:
    // nothing but the agent can reach 127.0.0.1:8888. Origin checks for WebSockets still pass
    // without allow_origin because Host and Origin arrive unchanged; XSRF cookies work as usual.
    '--NotebookApp.allow_remote_access=True',
    // The quit button would stop the server under the user's open tabs; the session's own stop
    // is the way to end it.
    '--NotebookApp.quit_button=False',
  ];
}

export function startJupyter(config: AgentConfig): SupervisedChild {
  const jupyter = new SupervisedChild({
    name: 'jupyter',
    command: 'jupyter',
    args: jupyterArgs(config),
    env: workEnvironment(config),
    cwd: WORK_USER.home,
  });
  jupyter.start();
  return jupyter;
}

interface KernelModel {
  execution_state?: string;
}

export function countBusyKernels(kernels: unknown): number {
  if (!Array.isArray(kernels)) return 0;
  return kernels.filter((k: KernelModel) => k?.execution_state === 'busy').length;
}

/** Busy kernels, from Jupyter's own API; 0 while Jupyter is not answering. */
export function busyKernels(basePath: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(
      {
        host: '127.0.0.1',
        port: PORTS.jupyter,
        path: `${jupyterBaseUrl(basePath)}api/kernels`,
        timeout: 2_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          try {
            resolve(response.statusCode === 200 ? countBusyKernels(JSON.parse(body)) : 0);
          } catch {
            resolve(0);
          }
        });
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}
