/** Request and response schemas: validation at the edge, and the OpenAPI document from the same source. */
import { z } from '@hono/zod-openapi';
import { APP_NAMES } from '../core/apps.ts';
import { SESSION_STATUSES } from '../core/model.ts';
import {
  SESSION_NAME_PATTERN,
  SESSION_NAME_RULE,
  SSH_PORT_RANGE,
  USER_NAME_PATTERN,
  USER_NAME_RULE,
} from '../core/names.ts';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), detail: z.string() })).optional(),
  })
  .openapi('Problem');

export const ResourcesSchema = z
  .object({ cpu: z.number(), memoryMiB: z.number().int() })
  .openapi('Resources');

export const SessionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.object({ id: z.string(), name: z.string() }),
    status: z.enum(SESSION_STATUSES),
    statusReason: z.string().nullable(),
    image: z.string(),
    resources: ResourcesSchema,
    ssh: z.object({
      host: z.string(),
      port: z.number().int().nullable(),
      user: z.string(),
      keyType: z.enum(['ed25519', 'rsa']),
    }),
    apps: z.array(z.object({ name: z.enum(APP_NAMES), title: z.string(), path: z.string() })),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    stoppedAt: z.string().nullable(),
    lastActivityAt: z.string().nullable(),
  })
  .openapi('Session');

export const UserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    settings: z.object({ preferredSshPort: z.number().int().optional() }),
    createdAt: z.string(),
  })
  .openapi('User');

export const SessionNameSchema = z
  .string()
  .max(63)
  .regex(SESSION_NAME_PATTERN, `must be ${SESSION_NAME_RULE}`)
  .openapi({ example: 'mysession' });

export const CreateSessionSchema = z
  .strictObject({
    name: SessionNameSchema,
    image: z.string().min(1).max(128).optional().openapi({ example: 'python' }),
    resources: z
      .strictObject({
        cpu: z.number().positive().max(1024).optional(),
        memoryMiB: z.number().int().positive().max(1_048_576).optional(),
      })
      .optional(),
    sshKeyType: z.enum(['ed25519', 'rsa']).optional(),
  })
  .openapi('CreateSession');

export const CreateUserSchema = z
  .strictObject({
    name: z.string().max(32).regex(USER_NAME_PATTERN, `must be ${USER_NAME_RULE}`),
    role: z.enum(['user', 'admin']).optional(),
  })
  .openapi('CreateUser');

export const SettingsPatchSchema = z
  .strictObject({
    preferredSshPort: z.number().int().min(SSH_PORT_RANGE.min).max(SSH_PORT_RANGE.max).nullable().optional(),
  })
  .openapi('SettingsPatch');

/** `{session}`: a session's name or id. Bounded so junk never reaches the store. */
export const SessionParam = z.object({
  session: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9-]+$/, 'must be a session name or id')
    .openapi({ param: { name: 'session', in: 'path' }, example: 'mysession' }),
});

export const problemResponses = {
  400: {
    description: 'Malformed request',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  401: {
    description: 'No or bad API key',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  404: {
    description: 'Not found, or not yours',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  422: { description: 'Invalid input', content: { 'application/problem+json': { schema: ProblemSchema } } },
} as const;

export const conflictResponse = {
  409: {
    description: 'Conflict with the current state',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
} as const;
