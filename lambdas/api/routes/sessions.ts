import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { APP_NAMES } from '../../core/apps.ts';
import { toView } from '../../core/views.ts';
import { requireUser } from '../auth.ts';
import type { ApiEnv } from '../env.ts';
import {
  CreateSessionSchema,
  conflictResponse,
  problemResponses,
  SessionParam,
  SessionSchema,
} from '../schemas.ts';

export const sessions = new OpenAPIHono<ApiEnv>();
sessions.use('*', requireUser);

const sessionJson = { content: { 'application/json': { schema: SessionSchema } } };
const limitResponses = {
  409: conflictResponse[409],
  429: {
    description: 'Installation at capacity',
    content: { 'application/problem+json': { schema: z.any() } },
  },
} as const;

sessions.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['sessions'],
    summary: 'Start a new session',
    description: 'Returns at once (202); poll the session until it is RUNNING.',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: CreateSessionSchema } }, required: true } },
    responses: { 202: { description: 'Launching', ...sessionJson }, ...problemResponses, ...limitResponses },
  }),
  async (c) => {
    const { sessions: core } = c.var.deps;
    const record = await core.create(c.var.user, c.req.valid('json'));
    return c.json(toView(record, core.config), 202, { Location: `/v1/sessions/${record.id}` });
  },
);

sessions.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['sessions'],
    summary: 'Your sessions (admins: ?all=true for everyone’s)',
    security: [{ bearer: [] }],
    request: { query: z.object({ all: z.enum(['true', 'false']).optional() }) },
    responses: {
      200: {
        description: 'Sessions',
        content: { 'application/json': { schema: z.object({ sessions: z.array(SessionSchema) }) } },
      },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { sessions: core } = c.var.deps;
    const records = await core.list(c.var.user, c.req.valid('query').all === 'true');
    records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return c.json({ sessions: records.map((r) => toView(r, core.config)) }, 200);
  },
);

sessions.openapi(
  createRoute({
    method: 'get',
    path: '/{session}',
    tags: ['sessions'],
    summary: 'One session, by name or id',
    security: [{ bearer: [] }],
    request: { params: SessionParam },
    responses: { 200: { description: 'The session', ...sessionJson }, ...problemResponses },
  }),
  async (c) => {
    const { sessions: core } = c.var.deps;
    return c.json(toView(await core.resolve(c.var.user, c.req.valid('param').session), core.config), 200);
  },
);

sessions.openapi(
  createRoute({
    method: 'post',
    path: '/{session}/stop',
    tags: ['sessions'],
    summary: 'Stop a session; its home and SSH port are kept',
    security: [{ bearer: [] }],
    request: { params: SessionParam },
    responses: { 202: { description: 'Stopping', ...sessionJson }, ...problemResponses, ...conflictResponse },
  }),
  async (c) => {
    const { sessions: core } = c.var.deps;
    return c.json(toView(await core.stop(c.var.user, c.req.valid('param').session), core.config), 202);
  },
);

sessions.openapi(
  createRoute({
    method: 'post',
    path: '/{session}/start',
    tags: ['sessions'],
    summary: 'Start a stopped or failed session again',
    security: [{ bearer: [] }],
    request: { params: SessionParam },
    responses: { 202: { description: 'Launching', ...sessionJson }, ...problemResponses, ...limitResponses },
  }),
  async (c) => {
    const { sessions: core } = c.var.deps;
    return c.json(toView(await core.start(c.var.user, c.req.valid('param').session), core.config), 202);
  },
);

sessions.openapi(
  createRoute({
    method: 'delete',
    path: '/{session}',
    tags: ['sessions'],
    summary: 'Delete a session and its container; the home folder is kept',
    security: [{ bearer: [] }],
    request: { params: SessionParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses, ...conflictResponse },
  }),
  async (c) => {
    await c.var.deps.sessions.remove(c.var.user, c.req.valid('param').session);
    return c.body(null, 204);
  },
);

sessions.openapi(
  createRoute({
    method: 'get',
    path: '/{session}/ssh-key',
    tags: ['sessions'],
    summary: 'The session’s private key (id_container): OpenSSH, or PuTTY with ?format=ppk',
    security: [{ bearer: [] }],
    request: { params: SessionParam, query: z.object({ format: z.enum(['openssh', 'ppk']).optional() }) },
    responses: {
      200: { description: 'Private key', content: { 'text/plain': { schema: z.string() } } },
      ...problemResponses,
    },
  }),
  async (c) => {
    const format = c.req.valid('query').format ?? 'openssh';
    const { session, key } = await c.var.deps.sessions.sshKey(
      c.var.user,
      c.req.valid('param').session,
      format,
    );
    const file = format === 'ppk' ? `id_container_${session.name}.ppk` : `id_container_${session.name}`;
    return c.text(key, 200, {
      'Content-Disposition': `attachment; filename="${file}"`,
      'Cache-Control': 'no-store',
    });
  },
);

sessions.openapi(
  createRoute({
    method: 'post',
    path: '/{session}/apps/{app}',
    tags: ['sessions'],
    summary: 'A short-lived, single-use URL that opens an app of the session in a browser',
    security: [{ bearer: [] }],
    request: {
      params: SessionParam.extend({ app: z.enum(APP_NAMES).openapi({ param: { name: 'app', in: 'path' } }) }),
    },
    responses: {
      200: {
        description: 'Open this URL',
        content: { 'application/json': { schema: z.object({ url: z.string(), expiresAt: z.string() }) } },
      },
      ...problemResponses,
      ...conflictResponse,
    },
  }),
  async (c) => {
    const { session, app } = c.req.valid('param');
    return c.json(await c.var.deps.sessions.openApp(c.var.user, session, app), 200, {
      'Cache-Control': 'no-store',
    });
  },
);
