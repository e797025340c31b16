/**
 * Single-host compute: one Docker container per session. A stopped session keeps its container
 * (so its SSH host keys survive), `run` starts it again; delete removes it.
 */
import type Dockerode from 'dockerode';
// The agent contract's ports, the same inside a container as inside a Fargate task.
import { AGENT_PORT, TASK_SSH_PORT as SSH_PORT } from '../../config/aws.ts';
import type { Compute, ComputeSpec, ComputeStatus } from '../../core/interfaces.ts';
import { containerName, LABEL } from './labels.ts';

export interface DockerComputeOptions {
  /** labels every container so several installations can share one dockerd */
  installation: string;
  /** host address SSH ports are published on */
  sshBindHost: string;
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** 304 = already stopped/started, 404 = gone: both mean the wish is already true. */
function isNoop(error: unknown): boolean {
  const code = (error as { statusCode?: number }).statusCode;
  return code === 304 || code === 404;
}

export function statusFromInspect(info: Dockerode.ContainerInspectInfo): ComputeStatus {
  const sessionId = info.Config.Labels[LABEL.session] ?? '';
  const base = { computeId: info.Id, sessionId };
  if (!info.State.Running) {
    const reason = info.State.OOMKilled
      ? 'out of memory (the container hit its memory limit)'
      : `exited with code ${info.State.ExitCode}${info.State.Error ? `: ${info.State.Error}` : ''}`;
    return { ...base, state: 'STOPPED', reason };
  }
  const health = info.State.Health?.Status;
  const published = info.NetworkSettings.Ports?.[`${AGENT_PORT}/tcp`]?.[0];
  if (health === 'healthy' && published) {
    return {
      ...base,
      state: 'RUNNING',
      endpoint: { host: published.HostIp || '127.0.0.1', port: Number(published.HostPort) },
    };
  }
  return { ...base, state: 'PROVISIONING' };
}

export class DockerCompute implements Compute {
  constructor(
    private readonly docker: Dockerode,
    private readonly options: DockerComputeOptions,
  ) {}

  async run(spec: ComputeSpec): Promise<{ computeId: string }> {
    const name = containerName(spec.sessionId);
    const existing = await this.docker
      .getContainer(name)
      .inspect()
      .catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    if (existing && this.reusable(existing, spec)) {
      if (!existing.State.Running) await this.docker.getContainer(existing.Id).start().catch(ignoreNoop);
      return { computeId: existing.Id };
    }
    if (existing) await this.remove(existing.Id);

    const container = await this.docker.createContainer({
      name,
      Image: spec.imageRef,
      Hostname: 'berth',
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: {
        [LABEL.managed]: 'true',
        [LABEL.installation]: this.options.installation,
        [LABEL.session]: spec.sessionId,
        [LABEL.owner]: spec.ownerId,
        [LABEL.sshPort]: String(spec.sshPort),
      },
      ExposedPorts: { [`${SSH_PORT}/tcp`]: {}, [`${AGENT_PORT}/tcp`]: {} },
      HostConfig: {
        PortBindings: {
          [`${SSH_PORT}/tcp`]: [{ HostIp: this.options.sshBindHost, HostPort: String(spec.sshPort) }],
          // The agent is reached only through the control plane's proxy, so loopback and any free port.
          [`${AGENT_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }],
        },
        Binds: [`${spec.home}:/home/work`],
        NanoCpus: Math.round(spec.resources.cpu * 1e9),
        Memory: spec.resources.memoryMiB * 1024 * 1024,
        // Same as Memory: no swap on top of the limit, as on Fargate.
        MemorySwap: spec.resources.memoryMiB * 1024 * 1024,
        PidsLimit: 4096,
        SecurityOpt: ['no-new-privileges:true'],
        RestartPolicy: { Name: 'no' },
      },
    });
    try {
      await container.start();
    } catch (error) {
      await this.remove(container.id);
      throw error;
    }
    return { computeId: container.id };
  }

  /** Reuse a stopped container only if it was made for the same image, port and limits. */
  private reusable(info: Dockerode.ContainerInspectInfo, spec: ComputeSpec): boolean {
    const env = new Set(info.Config.Env);
    return (
      info.Config.Image === spec.imageRef &&
      info.Config.Labels[LABEL.sshPort] === String(spec.sshPort) &&
      info.HostConfig.NanoCpus === Math.round(spec.resources.cpu * 1e9) &&
      info.HostConfig.Memory === spec.resources.memoryMiB * 1024 * 1024 &&
      Object.entries(spec.env).every(([k, v]) => env.has(`${k}=${v}`))
    );
  }

  async stop(computeId: string): Promise<void> {
    // The agent stops its children on SIGTERM well within 10 s.
    await this.docker.getContainer(computeId).stop({ t: 10 }).catch(ignoreNoop);
  }

  async remove(computeId: string): Promise<void> {
    await this.docker.getContainer(computeId).remove({ force: true, v: true }).catch(ignoreNoop);
  }

  async describe(computeId: string): Promise<ComputeStatus | undefined> {
    try {
      return statusFromInspect(await this.docker.getContainer(computeId).inspect());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(): Promise<ComputeStatus[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.installation}=${this.options.installation}`] },
    });
    const statuses = await Promise.all(containers.map((c) => this.describe(c.Id)));
    return statuses.filter((s): s is ComputeStatus => s !== undefined);
  }
}

function ignoreNoop(error: unknown): void {
  if (!isNoop(error)) throw error;
}
