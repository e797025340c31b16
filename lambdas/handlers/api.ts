/** API Gateway HTTP API (payload v2) -> the Hono app, the same app the single host serves. */
import { type APIGatewayProxyResult, handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { lambdaRuntime, readAdminKey } from './runtime.ts';

type Handle = ReturnType<typeof handle>;

let ready: Promise<Handle> | undefined;

/** At cold start: pins the admin key (from Secrets Manager) so it authenticates as the admin. */
async function coldStart(): Promise<Handle> {
  const runtime = lambdaRuntime();
  await runtime.users.bootstrapAdmin(await readAdminKey(process.env, runtime.clients.secrets));
  return handle(runtime.app);
}

export async function handler(event: LambdaEvent, context: LambdaContext): Promise<APIGatewayProxyResult> {
  ready ??= coldStart().catch((error: unknown) => {
    // Let the next invocation try again rather than keep a failed start forever.
    ready = undefined;
    throw error;
  });
  const serve = await ready;
  lambdaRuntime().logger.appendKeys({ requestId: context.awsRequestId });
  return serve(event, context);
}
