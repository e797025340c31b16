/** EventBridge schedule -> one reconcile pass: idle stops, lost events, orphaned resources. */
import type { ReconcileReport } from '../core/reconciler.ts';
import type { InvocationContext, ScheduledEvent } from './lambda-types.ts';
import { lambdaRuntime } from './runtime.ts';

export async function handler(_event: ScheduledEvent, context: InvocationContext): Promise<ReconcileReport> {
  const { reconciler, log, logger } = lambdaRuntime();
  logger.appendKeys({ requestId: context.awsRequestId });
  const report = await reconciler.run();
  log.info('reconcile pass', { ...report });
  return report;
}
