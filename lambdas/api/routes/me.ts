import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { UserSettings } from '../../core/model.ts';
import { requireUser } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import { problemResponses, SettingsPatchSchema, UserSchema } from '../schemas.ts';

export const me = new OpenAPIHono<ApiEnv>();
me.use('*', requireUser);

me.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['me'],
    summary: 'The calling user',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'You', content: { 'application/json': { schema: UserSchema } } },
      401: problemResponses[401],
    },
  }),
  (c) => c.json(c.var.user, 200),
);

me.openapi(
  createRoute({
    method: 'patch',
    path: '/settings',
    tags: ['me'],
    summary: 'Change your settings (null clears a value)',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: SettingsPatchSchema } }, required: true } },
    responses: {
      200: { description: 'Updated user', content: { 'application/json': { schema: UserSchema } } },
      ...problemResponses,
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const settings: UserSettings = { ...c.var.user.settings };
    if (body.preferredSshPort === null) delete settings.preferredSshPort;
    else if (body.preferredSshPort !== undefined) settings.preferredSshPort = body.preferredSshPort;
    const user = await c.var.deps.users.replaceSettings(c.var.user, settings);
    return c.json(user, 200);
  },
);
