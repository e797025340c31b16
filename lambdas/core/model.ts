/** The core's vocabulary: what a user, a session and their settings are. */
import type { AppName } from './apps.ts';

export type Role = 'user' | 'admin';

export interface UserSettings {
  preferredSshPort?: number;
}

export interface User {
  id: string;
  name: string;
  role: Role;
  settings: UserSettings;
  createdAt: string;
}

export const SESSION_STATUSES = [
  'PENDING',
  'PROVISIONING',
  'RUNNING',
  'STOPPING',
  'STOPPED',
  'FAILED',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Statuses that hold compute (and so count against the session limits). */
export const ACTIVE_STATUSES: readonly SessionStatus[] = ['PENDING', 'PROVISIONING', 'RUNNING', 'STOPPING'];

export function isActive(status: SessionStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export interface Resources {
  /** vCPUs, may be fractional */
  cpu: number;
  memoryMiB: number;
}

export type SshKeyType = 'ed25519' | 'rsa';

/** Where the control plane reaches a session's agent (HTTP :8080 inside the session). */
export interface Endpoint {
  host: string;
  port: number;
}

export interface SlotClaim {
  user: number;
  global: number;
}

/** The stored session: everything, secrets included. Never returned to clients as is. */
export interface SessionRecord {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  status: SessionStatus;
  statusReason?: string;
  /** catalogue name, e.g. `python` */
  image: string;
  resources: Resources;
  sshKeyType: SshKeyType;
  sshPort?: number;
  /** where that port is served (the NLB's DNS name on AWS) */
  sshHost?: string;
  sshPublicKey: string;
  /** PKCS#8 PEM; converted to OpenSSH or PuTTY on download */
  sshPrivateKey: string;
  appSecret: string;
  computeId?: string;
  endpoint?: Endpoint;
  slots?: SlotClaim;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  stoppedAt?: string;
  lastActivityAt?: string;
  /** optimistic concurrency: every write is conditional on the version it read */
  version: number;
}

export interface AppInfo {
  name: AppName;
  title: string;
  path: string;
}

export interface SessionView {
  id: string;
  name: string;
  owner: { id: string; name: string };
  status: SessionStatus;
  statusReason: string | null;
  image: string;
  resources: Resources;
  ssh: { host: string; port: number | null; user: string; keyType: SshKeyType };
  apps: AppInfo[];
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  lastActivityAt: string | null;
}
