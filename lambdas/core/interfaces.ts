/**
 * What the core needs from the outside world. Each interface has an AWS and a single-host
 * implementation (drivers/), except the store, which is DynamoDB in both (dynalite on one host).
 */
import type { Endpoint, Resources, SessionRecord, SessionStatus, User, UserSettings } from './model.ts';

export interface PortHold {
  port: number;
  sessionId: string;
  claimedAt: string;
}

export type SlotScope = { kind: 'global' } | { kind: 'user'; userId: string };

export interface SlotHold {
  scope: SlotScope;
  index: number;
  sessionId: string;
  claimedAt: string;
}

export interface Store {
  createUser(user: User, apiKeyHash: string): Promise<void>;
  getUser(id: string): Promise<User | undefined>;
  getUserByName(name: string): Promise<User | undefined>;
  getUserByApiKeyHash(hash: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  updateUserSettings(id: string, settings: UserSettings): Promise<User>;
  /** points `hash` at the user (used to pin the admin key from configuration) */
  putApiKey(hash: string, userId: string): Promise<void>;
  deleteUser(user: User): Promise<void>;

  /** fails with Conflict when the owner already has a session of that name */
  putNewSession(session: SessionRecord): Promise<void>;
  getSession(ownerId: string, name: string): Promise<SessionRecord | undefined>;
  getSessionById(id: string): Promise<SessionRecord | undefined>;
  listSessions(ownerId: string): Promise<SessionRecord[]>;
  listAllSessions(): Promise<SessionRecord[]>;
  /** sessions holding compute, from a sparse index: O(active sessions) */
  listActiveSessions(): Promise<SessionRecord[]>;
  /**
   * One conditional write: succeeds only if the stored item still has `from.status` and
   * `from.version`. Throws StaleWrite otherwise. Returns the new record.
   */
  updateSession(
    from: SessionRecord,
    patch: Partial<SessionRecord>,
    remove?: (keyof SessionRecord)[],
  ): Promise<SessionRecord>;
  /** conditional on version; throws StaleWrite */
  deleteSession(session: SessionRecord): Promise<void>;

  /** true if the port was free and is now held by sessionId (or already was) */
  claimPort(port: number, sessionId: string): Promise<boolean>;
  releasePort(port: number, sessionId: string): Promise<void>;
  listPorts(): Promise<PortHold[]>;

  /** claims a free slot index below max, or undefined when all are held */
  claimSlot(scope: SlotScope, max: number, sessionId: string): Promise<number | undefined>;
  releaseSlot(scope: SlotScope, index: number, sessionId: string): Promise<void>;
  listSlots(): Promise<SlotHold[]>;
}

export interface ComputeSpec {
  sessionId: string;
  ownerId: string;
  ownerName: string;
  /** resolved image reference (registry/tag or task-definition image) */
  imageRef: string;
  resources: Resources;
  sshPort: number;
  home: string;
  env: Record<string, string>;
}

export type ComputeState = 'PROVISIONING' | 'RUNNING' | 'STOPPED';

export interface ComputeStatus {
  computeId: string;
  sessionId: string;
  state: ComputeState;
  /** set once the agent answers its health check */
  endpoint?: Endpoint;
  /** why it stopped, when it did */
  reason?: string;
}

export interface Compute {
  /** Starts compute for the session and returns at once; RUNNING arrives as an event. */
  run(spec: ComputeSpec): Promise<{ computeId: string }>;
  /** Asks the compute to stop; idempotent. STOPPED arrives as an event. */
  stop(computeId: string): Promise<void>;
  /** Removes every trace of it; idempotent. */
  remove(computeId: string): Promise<void>;
  describe(computeId: string): Promise<ComputeStatus | undefined>;
  /** everything this installation runs, for the reconciler */
  list(): Promise<ComputeStatus[]>;
}

/** Routes browser traffic (apps) and SSH from the outside to a running session. */
export interface Ingress {
  attach(session: SessionRecord, endpoint: Endpoint): Promise<void>;
  detach(sessionId: string): Promise<void>;
  /** session ids that currently have ingress */
  list(): Promise<string[]>;
}

/** Persistent per-user storage mounted as the session's home. Returns a driver-specific reference. */
export interface Volumes {
  ensureHome(user: { id: string; name: string }): Promise<string>;
}

export interface Activity {
  lastActivityAt: string;
}

/** Reads a running session's activity from its agent. */
export interface ActivityProbe {
  read(session: SessionRecord): Promise<Activity | undefined>;
}

/** A compute state change as the drivers' event sources report it (Docker events, ECS events). */
export interface ComputeEvent {
  sessionId: string;
  computeId: string;
  state: ComputeState;
  endpoint?: Endpoint;
  reason?: string;
}

export interface Clock {
  now(): Date;
}

export type { SessionStatus };
