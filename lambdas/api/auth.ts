import { createMiddleware } from 'hono/factory';
import type { ApiEnv } from './env.ts';

/** Bearer API key -> user. The key itself is never logged or stored, only its hash is looked up. */
export const requireUser = createMiddleware<ApiEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  c.set('user', await c.var.deps.users.authenticate(match?.[1]));
  await next();
});
