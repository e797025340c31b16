/**
 * What an ECS task's description means for Berth. Pure, and shared by `describe` (DescribeTasks)
 * and the events Lambda ("ECS Task State Change" carries the same task fields as JSON).
 */
import { AGENT_PORT, TAG } from '../../config/aws.ts';
import type { ComputeState, ComputeStatus } from '../../core/interfaces.ts';

/** The task fields Berth reads; both the SDK's `Task` and an event's `detail` have this shape. */
export interface TaskFacts {
  taskArn?: string | undefined;
  lastStatus?: string | undefined;
  desiredStatus?: string | undefined;
  healthStatus?: string | undefined;
  startedBy?: string | undefined;
  stoppedReason?: string | undefined;
  stopCode?: string | undefined;
  attachments?:
    | {
        type?: string | undefined;
        details?: { name?: string | undefined; value?: string | undefined }[] | undefined;
      }[]
    | undefined;
  containers?: { exitCode?: number | undefined; reason?: string | undefined }[] | undefined;
  tags?: { key?: string | undefined; value?: string | undefined }[] | undefined;
}

/**
 * Only a task that has finished stopping counts as STOPPED: while it deactivates, stops and
 * deprovisions, its container may still write to the home, so a restart must not overlap it.
 */
const STOPPED_STATUSES = new Set(['STOPPED', 'DELETED']);

/** The session a task belongs to: `startedBy` (set by RunTask), else our tag. */
export function sessionOfTask(task: TaskFacts): string | undefined {
  if (task.startedBy) return task.startedBy;
  return task.tags?.find((t) => t.key === TAG.session)?.value;
}

/** The task's private IP, from its awsvpc network interface attachment. */
export function privateIpOf(task: TaskFacts): string | undefined {
  for (const attachment of task.attachments ?? []) {
    if (attachment.type !== 'ElasticNetworkInterface' && attachment.type !== 'eni') continue;
    const ip = attachment.details?.find((d) => d.name === 'privateIPv4Address')?.value;
    if (ip) return ip;
  }
  return undefined;
}

function stopReason(task: TaskFacts): string {
  const parts = [task.stoppedReason, ...(task.containers ?? []).map((c) => c.reason)].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  const exit = task.containers?.find((c) => c.exitCode !== undefined)?.exitCode;
  if (exit !== undefined) parts.push(`exit code ${exit}`);
  return parts.length > 0 ? parts.join('; ') : (task.stopCode ?? 'stopped');
}

export interface HealthPolicy {
  /**
   * true on AWS: RUNNING needs healthStatus HEALTHY (the task definition's check on the agent).
   * false under an emulator (moto), which never reports task health: RUNNING is taken as healthy,
   * since nothing else would ever tell.
   */
  requireHealthy: boolean;
}

/** RUNNING means the agent answers its health check, so a RUNNING session is reachable. */
export function stateOfTask(task: TaskFacts, policy: HealthPolicy): ComputeState {
  const last = task.lastStatus ?? 'PROVISIONING';
  if (STOPPED_STATUSES.has(last)) return 'STOPPED';
  // On its way down (desired STOPPED) a task no longer serves, though it has not stopped yet.
  if (task.desiredStatus === 'STOPPED') return 'PROVISIONING';
  const healthy =
    task.healthStatus === 'HEALTHY' || (!policy.requireHealthy && task.healthStatus === undefined);
  return last === 'RUNNING' && healthy && privateIpOf(task) !== undefined ? 'RUNNING' : 'PROVISIONING';
}

export function statusOfTask(task: TaskFacts, policy: HealthPolicy): ComputeStatus | undefined {
  const sessionId = sessionOfTask(task);
  if (!task.taskArn || !sessionId) return undefined;
  const state = stateOfTask(task, policy);
  const ip = privateIpOf(task);
  return {
    computeId: task.taskArn,
    sessionId,
    state,
    ...(state === 'RUNNING' && ip ? { endpoint: { host: ip, port: AGENT_PORT } } : {}),
    ...(state === 'STOPPED' ? { reason: stopReason(task) } : {}),
  };
}
