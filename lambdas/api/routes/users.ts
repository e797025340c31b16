import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireUser } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { CreateUserSchema, conflictResponse, problemResponses, UserSchema } from '../schemas.ts';

export const users = new OpenAPIHono<ApiEnv>();
users.use('*', requireUser);

const UserIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9-]+$/, 'must be a user id')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

users.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['users'],
    summary: 'Create a user (admin); the API key is shown only in this response',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: CreateUserSchema } }, required: true } },
    responses: {
      201: {
        description: 'Created',
        content: { 'application/json': { schema: z.object({ user: UserSchema, apiKey: z.string() }) } },
      },
      ...problemResponses,
      ...conflictResponse,
    },
  }),
  async (c) => c.json(await c.var.deps.users.create(c.var.user, c.req.valid('json')), 201),
);

users.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['users'],
    summary: 'List users (admin)',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Users',
        content: { 'application/json': { schema: z.object({ users: z.array(UserSchema) }) } },
      },
      401: problemResponses[401],
    },
  }),
  async (c) => c.json({ users: await c.var.deps.users.list(c.var.user) }, 200),
);

users.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['users'],
    summary: 'Delete a user and their sessions (admin); their home folder is kept',
    security: [{ bearer: [] }],
    request: { params: UserIdParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses, ...conflictResponse },
  }),
  async (c) => {
    await c.var.deps.users.remove(c.var.user, c.req.valid('param').id);
    return c.body(null, 204);
  },
);
