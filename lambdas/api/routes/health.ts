import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.ts';

export const health = new OpenAPIHono<ApiEnv>();

health.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['health'],
    summary: 'Liveness (no auth)',
    responses: {
      200: {
        description: 'OK',
        content: { 'application/json': { schema: z.object({ ok: z.boolean(), version: z.string() }) } },
      },
    },
  }),
  (c) => c.json({ ok: true, version: '0.1.0' }, 200),
);
