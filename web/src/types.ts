/** What the console reads from the API: the response shapes of lambdas/api/schemas.ts. */

// The API's own types (lambdas/core/model.ts imports nothing from Node), so the two cannot drift.
export type { AppName } from '../../lambdas/core/apps.ts';
export type { SessionStatus, SessionView, User } from '../../lambdas/core/model.ts';

import type { SessionStatus } from '../../lambdas/core/model.ts';

/** RFC 9457 problem+json, the API's one error shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; detail: string }[];
}

/** Statuses that change by themselves: the list refreshes while a session is in one. */
export const TRANSITIONAL: readonly SessionStatus[] = ['PENDING', 'PROVISIONING', 'STOPPING'];
