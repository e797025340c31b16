/**
 * One error contract for the whole API: RFC 9457 problem+json
 * (`{type, title, status, detail, errors?: [{field, detail}]}`), the shape coder's site uses.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { BerthError, type FieldError } from '../core/errors.ts';
import { errorMessage, type Log } from '../core/log.ts';

export const PROBLEM_BASE = 'https://berth.dev/problems/';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    ...headers,
    'Content-Type': 'application/problem+json',
  });
}

export function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  errors?: FieldError[],
): Problem {
  return { type: `${PROBLEM_BASE}${type}`, title, status, detail, ...(errors ? { errors } : {}) };
}

export function zodProblem(error: ZodError, target: string): Problem {
  const errors = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : target,
    detail: issue.message,
  }));
  const where = target === 'json' ? 'request body' : target === 'param' ? 'path' : target;
  return problem(422, 'invalid-input', 'Invalid input', `The ${where} is not valid.`, errors);
}

/** Maps anything thrown in a handler to a problem; only a genuine server fault is a 5xx. */
export function errorToResponse(error: unknown, c: Context, log: Log): Response {
  if (error instanceof BerthError) {
    return problemResponse(
      c,
      problem(error.status, error.type, error.title, error.message, error.errors),
      error.headers ?? {},
    );
  }
  if (error instanceof HTTPException) {
    // Hono's own: malformed JSON (400), body too large (413), wrong content type.
    const status = error.status;
    const title =
      status === 413 ? 'Request body too large' : status === 400 ? 'Bad request' : 'Request refused';
    const type = status === 413 ? 'too-large' : status === 400 ? 'bad-request' : 'refused';
    return problemResponse(c, problem(status, type, title, error.message || title));
  }
  log.error('unhandled error', { error: errorMessage(error), path: c.req.path });
  return problemResponse(c, problem(500, 'internal', 'Internal error', 'Something went wrong on our side.'));
}
