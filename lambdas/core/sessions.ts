/**
 * Session lifecycle: the launch saga, stop/start/delete, and the reaction to compute events.
 *
 * Every state change is one conditional write on the session item (status + version). Resources
 * a session takes (slots, SSH port, compute, ingress) are released after the write that gives
 * them up, so a crash in between leaves only things the reconciler recognises as orphans.
 */
import { LAUNCH_TOKEN_PARAM, LAUNCH_TOKEN_TTL_SECONDS, mintAppToken, newSessionSecret } from './app-token.ts';
import type { AppName } from './apps.ts';
import { type CoreConfig, MIN_RESOURCES } from './config.ts';
import {
  Conflict,
  InvalidInput,
  NotFound,
  SessionNameTaken,
  SessionNotInState,
  StaleWrite,
} from './errors.ts';
import { newSessionId, SESSION_ID_PATTERN } from './ids.ts';
import type { ActivityProbe, Clock, Compute, ComputeEvent, Ingress, Store, Volumes } from './interfaces.ts';
import { exportPrivateKey, generateSessionKeypair, type KeyFormat } from './keys.ts';
import { errorMessage, type Log, silentLog } from './log.ts';
import type { Endpoint, Resources, SessionRecord, SshKeyType, User } from './model.ts';
import { allocatePort } from './ports.ts';
import { claimSlots, releaseSlots } from './slots.ts';

export interface CoreDeps {
  store: Store;
  compute: Compute;
  ingress: Ingress;
  volumes: Volumes;
  activity: ActivityProbe;
  config: CoreConfig;
  clock?: Clock;
  log?: Log;
  /** lets a driver veto SSH ports it cannot serve (single host: something listens there; AWS: NLB full) */
  isPortUsable?: (port: number) => Promise<boolean>;
  /** the host users ssh to for a port (AWS: the DNS name of the NLB that port maps to); default config.sshHost */
  sshHostFor?: (port: number) => string;
  /** where a session's apps are served (AWS: its ALB, or its own origin with a domain); default config.publicUrl */
  appBaseUrl?: (session: SessionRecord) => Promise<string>;
}

export interface CreateSessionInput {
  name: string;
  image?: string;
  resources?: Partial<Resources>;
  sshKeyType?: SshKeyType;
}

const systemClock: Clock = { now: () => new Date() };

export class Sessions {
  readonly store: Store;
  readonly config: CoreConfig;
  private readonly clock: Clock;
  private readonly log: Log;

  constructor(private readonly deps: CoreDeps) {
    this.store = deps.store;
    this.config = deps.config;
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLog;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** `ref` is the session's name (unique per owner) or its id. Others' sessions are NotFound. */
  async resolve(actor: User, ref: string): Promise<SessionRecord> {
    const byName = await this.store.getSession(actor.id, ref);
    if (byName) return byName;
    if (SESSION_ID_PATTERN.test(ref)) {
      const byId = await this.store.getSessionById(ref);
      if (byId && (byId.ownerId === actor.id || actor.role === 'admin')) return byId;
    }
    throw new NotFound('Session', ref);
  }

  async list(actor: User, all = false): Promise<SessionRecord[]> {
    return all && actor.role === 'admin' ? this.store.listAllSessions() : this.store.listSessions(actor.id);
  }

  async sshKey(
    actor: User,
    ref: string,
    format: KeyFormat,
  ): Promise<{ session: SessionRecord; key: string }> {
    const session = await this.resolve(actor, ref);
    return { session, key: exportPrivateKey(session.sshPrivateKey, format) };
  }

  /** A single-use link that opens the app and leaves a cookie scoped to this session. */
  async openApp(actor: User, ref: string, app: AppName): Promise<{ url: string; expiresAt: string }> {
    const session = await this.resolve(actor, ref);
    if (session.status !== 'RUNNING') {
      throw new SessionNotInState(session.name, session.status, 'apps open only while it is RUNNING');
    }
    const now = this.clock.now();
    const token = mintAppToken(
      session.appSecret,
      { sid: session.id, kind: 'launch', app, ttlSeconds: LAUNCH_TOKEN_TTL_SECONDS },
      now,
    );
    const base = (this.deps.appBaseUrl ? await this.deps.appBaseUrl(session) : this.config.publicUrl).replace(
      /\/+$/,
      '',
    );
    return {
      url: `${base}/s/${session.id}/${app}/?${LAUNCH_TOKEN_PARAM}=${encodeURIComponent(token)}`,
      expiresAt: new Date(now.getTime() + LAUNCH_TOKEN_TTL_SECONDS * 1000).toISOString(),
    };
  }

  // ---- launch saga ---------------------------------------------------------------------------

  private pickImage(name: string | undefined): string {
    const image = name ?? this.config.defaultImage;
    if (!this.config.images[image]) {
      const known = Object.keys(this.config.images).join(', ');
      throw new InvalidInput(`Unknown image "${image}". Available images: ${known}.`, [
        { field: 'image', detail: `must be one of: ${known}` },
      ]);
    }
    return image;
  }

  private pickResources(requested: Partial<Resources> | undefined): Resources {
    const resources = { ...this.config.defaultResources, ...requested };
    const { maxResources: max } = this.config;
    const errors = [];
    if (resources.cpu < MIN_RESOURCES.cpu || resources.cpu > max.cpu) {
      errors.push({ field: 'resources.cpu', detail: `must be from ${MIN_RESOURCES.cpu} to ${max.cpu}` });
    }
    if (resources.memoryMiB < MIN_RESOURCES.memoryMiB || resources.memoryMiB > max.memoryMiB) {
      errors.push({
        field: 'resources.memoryMiB',
        detail: `must be from ${MIN_RESOURCES.memoryMiB} to ${max.memoryMiB}`,
      });
    }
    if (errors.length > 0)
      throw new InvalidInput('Requested resources are outside the allowed range.', errors);
    return resources;
  }

  private sshHostFor(port: number): string {
    return this.deps.sshHostFor?.(port) ?? this.config.sshHost;
  }

  private async claimPortFor(actor: User, sessionId: string, previous?: number): Promise<number> {
    return allocatePort(
      this.store,
      sessionId,
      [previous, actor.settings.preferredSshPort],
      this.deps.isPortUsable ? { isUsable: this.deps.isPortUsable } : {},
    );
  }

  async create(actor: User, input: CreateSessionInput): Promise<SessionRecord> {
    const image = this.pickImage(input.image);
    const resources = this.pickResources(input.resources);
    if (await this.store.getSession(actor.id, input.name)) throw new SessionNameTaken(input.name);

    const id = newSessionId();
    const undo: (() => Promise<void>)[] = [];
    let record: SessionRecord;
    try {
      const slots = await claimSlots(this.store, this.config, actor.id, id);
      undo.push(() => releaseSlots(this.store, actor.id, slots, id));
      const sshPort = await this.claimPortFor(actor, id);
      undo.push(() => this.store.releasePort(sshPort, id));
      // Before the session is written: it can refuse (a file system out of access points), and
      // then the client gets that error with nothing left behind.
      await this.deps.volumes.ensureHome(actor);
      const sshKeyType = input.sshKeyType ?? 'ed25519';
      const keys = generateSessionKeypair(sshKeyType);
      const now = this.now();
      record = {
        id,
        name: input.name,
        ownerId: actor.id,
        ownerName: actor.name,
        status: 'PENDING',
        image,
        resources,
        sshKeyType,
        sshPort,
        sshHost: this.sshHostFor(sshPort),
        sshPublicKey: keys.publicKey,
        sshPrivateKey: keys.privateKeyPem,
        appSecret: newSessionSecret(),
        slots,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      await this.store.putNewSession(record);
    } catch (error) {
      await this.runUndo(undo, id);
      throw error;
    }
    this.log.info('session created', { sessionId: id, userId: actor.id });
    return this.launch(record, actor);
  }

  private async runUndo(undo: (() => Promise<void>)[], sessionId: string): Promise<void> {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        // The reconciler frees whatever this leaves behind; the client still gets the first error.
        this.log.warn('launch rollback step failed', { sessionId, error: errorMessage(error) });
      }
    }
  }

  /** PENDING -> PROVISIONING: the record already holds its slots and port. */
  private async launch(record: SessionRecord, owner: Pick<User, 'id' | 'name'>): Promise<SessionRecord> {
    const imageRef = this.config.images[record.image]?.ref;
    let computeId: string | undefined;
    try {
      if (!imageRef || record.sshPort === undefined) throw new Error('session record is incomplete');
      const home = await this.deps.volumes.ensureHome(owner);
      ({ computeId } = await this.deps.compute.run({
        sessionId: record.id,
        ownerId: record.ownerId,
        ownerName: record.ownerName,
        imageRef,
        resources: record.resources,
        sshPort: record.sshPort,
        home,
        env: {
          BERTH_SESSION_ID: record.id,
          BERTH_APP_SECRET: record.appSecret,
          BERTH_SSH_PUBLIC_KEY: record.sshPublicKey,
          BERTH_BASE_PATH: `/s/${record.id}`,
          BERTH_OWNER: record.ownerName,
        },
      }));
      const provisioning = await this.store.updateSession(record, {
        status: 'PROVISIONING',
        computeId,
        updatedAt: this.now(),
      });
      // A restart on a driver that cannot reuse the old compute (Fargate) leaves it behind: drop it.
      if (record.computeId && record.computeId !== computeId) {
        await this.deps.compute.remove(record.computeId).catch(() => undefined);
      }
      return provisioning;
    } catch (error) {
      if (error instanceof StaleWrite) {
        // Stopped or deleted while we launched: whoever changed it owns the cleanup of the record,
        // but only we know about this compute.
        return this.dropUnrecordedCompute(record, computeId);
      }
      this.log.error('launch failed', { sessionId: record.id, error: errorMessage(error) });
      return this.fail(
        { ...record, ...(computeId ? { computeId } : {}) },
        `launch failed: ${errorMessage(error)}`,
      );
    }
  }

  // ---- stop / start / delete -----------------------------------------------------------------

  async stop(actor: User, ref: string): Promise<SessionRecord> {
    const session = await this.resolve(actor, ref);
    if (session.status === 'STOPPING' || session.status === 'STOPPED') return session;
    if (session.status === 'FAILED')
      throw new SessionNotInState(session.name, session.status, 'start or delete it');
    return this.requestStop(session, 'stopped by user');
  }

  /** Marks STOPPING, then takes away ingress and asks compute to stop; STOPPED comes as an event. */
  async requestStop(session: SessionRecord, reason: string): Promise<SessionRecord> {
    const stopping = await this.write(session, {
      status: 'STOPPING',
      statusReason: reason,
      updatedAt: this.now(),
    });
    await this.deps.ingress.detach(session.id);
    if (stopping.computeId) {
      await this.deps.compute.stop(stopping.computeId);
    } else {
      // Nothing was ever started (cut off before compute ran): it is stopped already.
      return this.markStopped(stopping, reason);
    }
    this.log.info('session stopping', { sessionId: session.id, reason });
    return stopping;
  }

  async start(actor: User, ref: string): Promise<SessionRecord> {
    const session = await this.resolve(actor, ref);
    if (session.status !== 'STOPPED' && session.status !== 'FAILED') {
      throw new SessionNotInState(
        session.name,
        session.status,
        'only a STOPPED or FAILED session can be started',
      );
    }
    const owner = (await this.store.getUser(session.ownerId)) ?? actor;
    const undo: (() => Promise<void>)[] = [];
    let pending: SessionRecord;
    try {
      const slots = await claimSlots(this.store, this.config, session.ownerId, session.id);
      undo.push(() => releaseSlots(this.store, session.ownerId, slots, session.id));
      const sshPort = await this.claimPortFor(owner, session.id, session.sshPort);
      if (sshPort !== session.sshPort) undo.push(() => this.store.releasePort(sshPort, session.id));
      pending = await this.write(
        session,
        { status: 'PENDING', sshPort, sshHost: this.sshHostFor(sshPort), slots, updatedAt: this.now() },
        ['statusReason', 'endpoint', 'stoppedAt'],
      );
    } catch (error) {
      await this.runUndo(undo, session.id);
      throw error;
    }
    return this.launch(pending, owner);
  }

  async remove(actor: User, ref: string): Promise<void> {
    const session = await this.resolve(actor, ref);
    await this.destroy(session);
  }

  /** Deletes the record first, then frees what it held. */
  async destroy(session: SessionRecord): Promise<void> {
    let current = session;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.deleteSession(current);
        break;
      } catch (error) {
        if (!(error instanceof StaleWrite) || attempt >= 4) throw error;
        const fresh = await this.store.getSessionById(session.id);
        if (!fresh) return;
        current = fresh;
      }
    }
    await this.release(current, { keepPort: false, computeAction: 'remove' });
    this.log.info('session deleted', { sessionId: session.id });
  }

  // ---- transitions shared with the event handler and the reconciler --------------------------

  private async write(
    from: SessionRecord,
    patch: Partial<SessionRecord>,
    remove: (keyof SessionRecord)[] = [],
  ): Promise<SessionRecord> {
    try {
      return await this.store.updateSession(from, patch, remove);
    } catch (error) {
      if (error instanceof StaleWrite) {
        throw new Conflict(
          'concurrent-change',
          'Session changed concurrently',
          `Session "${from.name}" changed while this request ran; read it again and retry.`,
        );
      }
      throw error;
    }
  }

  private async release(
    session: SessionRecord,
    options: { keepPort: boolean; computeAction: 'remove' | 'none' },
  ): Promise<void> {
    const steps: (() => Promise<void>)[] = [() => this.deps.ingress.detach(session.id)];
    if (options.computeAction === 'remove' && session.computeId) {
      const computeId = session.computeId;
      steps.push(() => this.deps.compute.remove(computeId));
    }
    if (!options.keepPort && session.sshPort !== undefined) {
      const port = session.sshPort;
      steps.push(() => this.store.releasePort(port, session.id));
    }
    if (session.slots) {
      const slots = session.slots;
      steps.push(() => releaseSlots(this.store, session.ownerId, slots, session.id));
    }
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        this.log.warn('release step failed; the reconciler will retry', {
          sessionId: session.id,
          error: errorMessage(error),
        });
      }
    }
  }

  /** Any state -> FAILED: gives up compute, ingress, slots and the port (start claims a new one). */
  async fail(session: SessionRecord, reason: string): Promise<SessionRecord> {
    let failed: SessionRecord;
    try {
      failed = await this.store.updateSession(
        session,
        { status: 'FAILED', statusReason: reason, updatedAt: this.now(), stoppedAt: this.now() },
        ['endpoint', 'slots', 'sshPort', 'sshHost', 'computeId'],
      );
    } catch (error) {
      if (!(error instanceof StaleWrite)) throw error;
      // Someone else moved it on; they own what the session records now.
      return this.dropUnrecordedCompute(session, session.computeId);
    }
    await this.release(session, { keepPort: false, computeAction: 'remove' });
    this.log.warn('session failed', { sessionId: session.id, reason });
    return failed;
  }

  /** STOPPING -> STOPPED: keeps the SSH port (so the user's ssh config stays valid), frees slots. */
  async markStopped(session: SessionRecord, reason?: string): Promise<SessionRecord> {
    const stopped = await this.store.updateSession(
      session,
      {
        status: 'STOPPED',
        updatedAt: this.now(),
        stoppedAt: this.now(),
        ...(reason ? { statusReason: reason } : {}),
      },
      ['endpoint', 'slots'],
    );
    await this.release(session, { keepPort: true, computeAction: 'none' });
    this.log.info('session stopped', { sessionId: session.id });
    return stopped;
  }

  /** PROVISIONING -> RUNNING: ingress first, so RUNNING always means reachable. */
  async markRunning(session: SessionRecord, endpoint: Endpoint): Promise<SessionRecord> {
    await this.deps.ingress.attach(session, endpoint);
    try {
      const now = this.now();
      const running = await this.store.updateSession(
        session,
        { status: 'RUNNING', endpoint, startedAt: now, lastActivityAt: now, updatedAt: now },
        ['statusReason'],
      );
      this.log.info('session running', { sessionId: session.id });
      return running;
    } catch (error) {
      if (error instanceof StaleWrite) {
        // Lost to another writer; if that writer did not make it RUNNING, nothing should route to it.
        const fresh = await this.store.getSessionById(session.id);
        if (fresh?.status !== 'RUNNING') await this.deps.ingress.detach(session.id);
      }
      throw error;
    }
  }

  /**
   * After losing a race: frees `computeId` unless the session, as stored now, records it (Docker
   * reuses a stopped session's container, so the id may be the one the winner keeps).
   */
  private async dropUnrecordedCompute(
    session: SessionRecord,
    computeId: string | undefined,
  ): Promise<SessionRecord> {
    const fresh = await this.store.getSessionById(session.id);
    if (computeId && fresh?.computeId !== computeId) {
      await this.deps.compute.remove(computeId).catch(() => undefined);
    }
    return fresh ?? session;
  }

  /** Reacts to a compute state change (Docker events on one host, ECS events on AWS). */
  async onComputeEvent(event: ComputeEvent): Promise<void> {
    const session = await this.store.getSessionById(event.sessionId);
    if (!session || session.computeId !== event.computeId) {
      // Compute that no live session owns: the reconciler removes it; nothing to move here.
      this.log.debug('event for compute no session owns', { sessionId: event.sessionId });
      return;
    }
    try {
      if (event.state === 'RUNNING' && event.endpoint) {
        if (session.status === 'PROVISIONING') await this.markRunning(session, event.endpoint);
      } else if (event.state === 'STOPPED') {
        if (session.status === 'STOPPING') await this.markStopped(session);
        else if (session.status === 'PROVISIONING' || session.status === 'RUNNING') {
          await this.fail(session, `compute stopped unexpectedly: ${event.reason ?? 'no reason given'}`);
        }
      }
    } catch (error) {
      if (!(error instanceof StaleWrite)) throw error;
      this.log.debug('event lost a race; the reconciler converges', { sessionId: session.id });
    }
  }

  /** Records activity the reaper read; skips the write when it moved less than a minute. */
  async noteActivity(session: SessionRecord, lastActivityAt: string): Promise<SessionRecord> {
    const previous = session.lastActivityAt ? Date.parse(session.lastActivityAt) : 0;
    if (Date.parse(lastActivityAt) - previous < 60_000) return session;
    try {
      return await this.store.updateSession(session, { lastActivityAt });
    } catch (error) {
      if (error instanceof StaleWrite) return session;
      throw error;
    }
  }
}
