/**
 * The Berth API: one Hono app for both deployments (Lambda via hono/aws-lambda, single host via
 * @hono/node-server). Routes validate at the edge with zod; errors become problem+json here, once.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { ApiDeps, ApiEnv } from './env.ts';
import { errorToResponse, problem, problemResponse, zodProblem } from './problem.ts';
import { health } from './routes/health.ts';
import { me } from './routes/me.ts';
import { sessions } from './routes/sessions.ts';
import { users } from './routes/users.ts';

/** Requests are small JSON documents; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, zodProblem(result.error, result.target));
    },
  });

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    const started = Date.now();
    await next();
    // One line per request; the path only (never the query, headers or body: keys and tokens live there).
    deps.log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
      userId: c.get('user')?.id,
    });
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        problemResponse(
          c,
          problem(
            413,
            'too-large',
            'Request body too large',
            `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
          ),
        ),
    }),
  );

  // Sub-apps share the parent's hook only if given it: set it on each so every 422 looks the same.
  for (const sub of [health, me, users, sessions]) sub.defaultHook = app.defaultHook;
  app.route('/v1/health', health);
  app.route('/v1/me', me);
  app.route('/v1/users', users);
  app.route('/v1/sessions', sessions);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: `Authorization: Bearer berth_…`',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Berth API',
      version: '0.1.0',
      description: 'On-demand compute sessions with SSH/SFTP, Jupyter and a browser terminal.',
    },
  });

  app.notFound((c) =>
    problemResponse(c, problem(404, 'not-found', 'Not found', `No route for ${c.req.method} ${c.req.path}.`)),
  );
  app.onError((error, c) => errorToResponse(error, c, deps.log));
  return app;
}

export type BerthApp = ReturnType<typeof createApp>;
