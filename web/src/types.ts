/** What the console reads from the API: the response shapes of lambdas/api/schemas.ts. */

export type SessionStatus = 'PENDING' | 'PROVISIONING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';
export type AppName = 'jupyter' | 'ttyd';

export interface SessionView {
  id: string;
  name: string;
  owner: { id: string; name: string };
  status: SessionStatus;
  statusReason: string | null;
  image: string;
  resources: { cpu: number; memoryMiB: number };
  ssh: { host: string; port: number | null; user: string; keyType: 'ed25519' | 'rsa' };
  apps: { name: AppName; title: string; path: string }[];
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  lastActivityAt: string | null;
}

export interface User {
  id: string;
  name: string;
  role: 'user' | 'admin';
  settings: { preferredSshPort?: number };
  createdAt: string;
}

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
