/**
 * EventBridge "ECS Task State Change" -> the core's ComputeEvent. The twin of Docker events on one
 * host. Events that change nothing for Berth (still provisioning, not ours) map to undefined.
 */
import type { ComputeEvent } from '../../core/interfaces.ts';
import { type HealthPolicy, statusOfTask, type TaskFacts } from './task-status.ts';

export interface EcsTaskStateChangeEvent {
  'detail-type': string;
  source: string;
  id?: string;
  time?: string;
  detail: TaskFacts & { clusterArn?: string };
}

export const ECS_TASK_STATE_CHANGE = 'ECS Task State Change';

export function computeEventFromEcs(
  event: EcsTaskStateChangeEvent,
  policy: HealthPolicy,
): ComputeEvent | undefined {
  if (event.source !== 'aws.ecs' || event['detail-type'] !== ECS_TASK_STATE_CHANGE) return undefined;
  const status = statusOfTask(event.detail, policy);
  if (!status || status.state === 'PROVISIONING') return undefined;
  return {
    sessionId: status.sessionId,
    computeId: status.computeId,
    state: status.state,
    ...(status.endpoint ? { endpoint: status.endpoint } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
  };
}
