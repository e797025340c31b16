/**
 * EventBridge "ECS Task State Change" -> the core. A throw makes EventBridge retry; a lost event is
 * harmless all the same, as the reaper reads the task's state by polling.
 */
import { errorMessage } from '../core/log.ts';
import { computeEventFromEcs, type EcsTaskStateChangeEvent } from '../drivers/aws/events.ts';
import type { InvocationContext } from './lambda-types.ts';
import { lambdaRuntime } from './runtime.ts';

export async function handler(event: EcsTaskStateChangeEvent, context: InvocationContext): Promise<void> {
  const { sessions, aws, log, logger } = lambdaRuntime();
  logger.appendKeys({ requestId: context.awsRequestId });
  const computeEvent = computeEventFromEcs(event, aws);
  if (!computeEvent) {
    log.debug('task state change needs no action', { lastStatus: event.detail?.lastStatus });
    return;
  }
  const fields = { sessionId: computeEvent.sessionId, state: computeEvent.state };
  try {
    await sessions.onComputeEvent(computeEvent);
    log.info('task state change applied', fields);
  } catch (error) {
    log.error('task state change failed', { ...fields, error: errorMessage(error) });
    throw error;
  }
}
