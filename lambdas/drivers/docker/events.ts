/**
 * Docker events -> compute events, the single-host twin of ECS "Task State Change" events.
 * A container's health turning `healthy` means its agent (and so SSH and Jupyter) is up: RUNNING.
 * Lost events are harmless: the reconciler reads the same state by polling.
 */
import type Dockerode from 'dockerode';
import type { ComputeEvent } from '../../core/interfaces.ts';
import { errorMessage, type Log } from '../../core/log.ts';
import { statusFromInspect } from './compute.ts';
import { LABEL } from './labels.ts';

interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export interface EventWatcher {
  stop(): void;
}

export function watchDockerEvents(
  docker: Dockerode,
  installation: string,
  onEvent: (event: ComputeEvent) => Promise<void>,
  log: Log,
): EventWatcher {
  let stopped = false;
  let current: NodeJS.ReadableStream | undefined;

  const handle = async (raw: DockerEvent) => {
    const id = raw.Actor?.ID;
    const action = raw.Action ?? '';
    if (!id || !(action === 'die' || action.startsWith('health_status'))) return;
    const info = await docker
      .getContainer(id)
      .inspect()
      .catch(() => undefined);
    if (!info) return;
    const status = statusFromInspect(info);
    if (status.state === 'PROVISIONING') return;
    await onEvent({
      sessionId: status.sessionId,
      computeId: status.computeId,
      state: status.state,
      ...(status.endpoint ? { endpoint: status.endpoint } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    });
  };

  const connect = async () => {
    while (!stopped) {
      try {
        const stream = (await docker.getEvents({
          filters: { type: ['container'], label: [`${LABEL.installation}=${installation}`] },
        })) as NodeJS.ReadableStream;
        current = stream;
        let buffer = '';
        await new Promise<void>((resolve) => {
          stream.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('utf8');
            let newline = buffer.indexOf('\n');
            while (newline >= 0) {
              const line = buffer.slice(0, newline).trim();
              buffer = buffer.slice(newline + 1);
              newline = buffer.indexOf('\n');
              if (!line) continue;
              try {
                handle(JSON.parse(line) as DockerEvent).catch((error: unknown) =>
                  log.warn('docker event handling failed', { error: errorMessage(error) }),
                );
              } catch {
                log.warn('unparseable docker event');
              }
            }
          });
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', resolve);
        });
      } catch (error) {
        log.warn('docker events stream failed; retrying', { error: errorMessage(error) });
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void connect();

  return {
    stop() {
      stopped = true;
      (current as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}
