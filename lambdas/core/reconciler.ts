/**
 * The reaper's tick: stops idle sessions and converges drift between the store and the world
 * (lost events, a control plane killed mid-launch, failed cleanups). Safe to run at any time and
 * concurrently with the API: every change it makes is a conditional write or an idempotent call.
 */

import { StaleWrite } from './errors.ts';
import type { ActivityProbe, Clock, Compute, ComputeStatus, Ingress } from './interfaces.ts';
import type { Log } from './log.ts';
import { errorMessage } from './log.ts';
import { isActive, type SessionRecord } from './model.ts';
import type { Sessions } from './sessions.ts';

export interface ReconcileReport {
  failed: string[];
  running: string[];
  stopped: string[];
  idleStopped: string[];
  removedCompute: string[];
  stoppedCompute: string[];
  detachedIngress: string[];
  attachedIngress: string[];
  releasedPorts: number[];
  releasedSlots: number;
}

export interface ReconcilerDeps {
  sessions: Sessions;
  compute: Compute;
  ingress: Ingress;
  activity: ActivityProbe;
  clock: Clock;
  log: Log;
}

export interface ReconcileOptions {
  /** PENDING sessions last written before this were cut off mid-launch (e.g. the server restarted) */
  interruptedBefore?: Date;
  /** skip the idle check (the startup pass must not stop sessions the outage made look idle) */
  skipIdle?: boolean;
}

function ageSeconds(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / 1000;
}

export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async run(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      failed: [],
      running: [],
      stopped: [],
      idleStopped: [],
      removedCompute: [],
      stoppedCompute: [],
      detachedIngress: [],
      attachedIngress: [],
      releasedPorts: [],
      releasedSlots: 0,
    };
    const computes = await this.deps.compute.list();
    const computeById = new Map(computes.map((c) => [c.computeId, c]));
    const attached = new Set(await this.deps.ingress.list());

    for (const session of await this.deps.sessions.store.listActiveSessions()) {
      try {
        await this.converge(session, computeById, attached, options, report);
      } catch (error) {
        if (!(error instanceof StaleWrite)) {
          this.deps.log.warn('reconcile of a session failed', {
            sessionId: session.id,
            error: errorMessage(error),
          });
        }
      }
    }
    await this.sweepOrphans(computes, options, report);
    return report;
  }

  private async converge(
    session: SessionRecord,
    computeById: Map<string, ComputeStatus>,
    attached: Set<string>,
    options: ReconcileOptions,
    report: ReconcileReport,
  ): Promise<void> {
    const { sessions, clock } = this.deps;
    const now = clock.now();
    const compute = session.computeId ? computeById.get(session.computeId) : undefined;
    const gone = !compute || compute.state === 'STOPPED';
    switch (session.status) {
      case 'PENDING': {
        const interrupted =
          options.interruptedBefore && Date.parse(session.updatedAt) < options.interruptedBefore.getTime();
        if (interrupted || ageSeconds(session.updatedAt, now) > sessions.config.launchGraceSeconds) {
          await sessions.fail(session, 'launch was interrupted before compute started');
          report.failed.push(session.id);
        }
        return;
      }
      case 'PROVISIONING': {
        if (gone) {
          await sessions.fail(
            session,
            `compute stopped while provisioning: ${compute?.reason ?? 'it is gone'}`,
          );
          report.failed.push(session.id);
        } else if (compute.state === 'RUNNING' && compute.endpoint) {
          try {
            await sessions.markRunning(session, compute.endpoint);
            report.running.push(session.id);
          } catch (error) {
            // Compute runs but traffic cannot reach it (a lasting load-balancer error, a pool
            // filled by a race): retried every tick, until the deadline frees the compute.
            if (
              error instanceof StaleWrite ||
              ageSeconds(session.updatedAt, now) <= sessions.config.provisionTimeoutSeconds
            ) {
              throw error;
            }
            await sessions.fail(session, `could not route traffic to it in time: ${errorMessage(error)}`);
            report.failed.push(session.id);
          }
        } else if (ageSeconds(session.updatedAt, now) > sessions.config.provisionTimeoutSeconds) {
          await sessions.fail(session, 'did not become healthy in time');
          report.failed.push(session.id);
        }
        return;
      }
      case 'RUNNING': {
        if (gone) {
          await sessions.fail(session, `compute stopped unexpectedly: ${compute?.reason ?? 'it is gone'}`);
          report.failed.push(session.id);
          return;
        }
        if (!attached.has(session.id) && session.endpoint) {
          await this.deps.ingress.attach(session, compute.endpoint ?? session.endpoint);
          report.attachedIngress.push(session.id);
        }
        if (!options.skipIdle) await this.stopIfIdle(session, now, report);
        return;
      }
      case 'STOPPING': {
        if (gone) {
          await sessions.markStopped(session);
          report.stopped.push(session.id);
        } else if (session.computeId) {
          await this.deps.compute.stop(session.computeId);
        }
        return;
      }
      default:
        return;
    }
  }

  private async stopIfIdle(session: SessionRecord, now: Date, report: ReconcileReport): Promise<void> {
    const { sessions } = this.deps;
    const timeoutMs = sessions.config.idleTimeoutMinutes * 60_000;
    if (timeoutMs <= 0) return;
    let current = session;
    let reported = 0;
    try {
      const activity = await this.deps.activity.read(session);
      if (activity) {
        reported = Date.parse(activity.lastActivityAt);
        current = await sessions.noteActivity(session, activity.lastActivityAt);
      }
    } catch (error) {
      // An agent that cannot answer is not proof of idleness: never stop on a failed read.
      this.deps.log.warn('activity read failed', { sessionId: session.id, error: errorMessage(error) });
      return;
    }
    // The stored time is written at most once a minute; the agent's answer is the fresher one.
    const stored = Date.parse(current.lastActivityAt ?? current.startedAt ?? current.updatedAt);
    if (now.getTime() - Math.max(stored, reported) > timeoutMs) {
      await sessions.requestStop(current, `idle for more than ${sessions.config.idleTimeoutMinutes} minutes`);
      report.idleStopped.push(session.id);
    }
  }

  /** Compute, ingress, ports and slots that no live session accounts for. */
  private async sweepOrphans(
    computes: ComputeStatus[],
    options: ReconcileOptions,
    report: ReconcileReport,
  ): Promise<void> {
    const { sessions, compute, ingress, log } = this.deps;
    const { store } = sessions;
    const all = new Map((await store.listAllSessions()).map((s) => [s.id, s]));
    // A launch claims its port and slots a moment before it writes the session: leave young holds be.
    const now = this.deps.clock.now();
    const settled = (claimedAt: string) =>
      ageSeconds(claimedAt, now) > sessions.config.launchGraceSeconds ||
      (options.interruptedBefore !== undefined &&
        Date.parse(claimedAt) < options.interruptedBefore.getTime());
    const tryStep = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        log.warn(`orphan sweep: ${what} failed`, { error: errorMessage(error) });
      }
    };

    for (const c of computes) {
      const owner = all.get(c.sessionId);
      // A PENDING owner is mid-launch; the PENDING rule above fails it if it never finishes.
      if (owner?.status === 'PENDING') continue;
      if (!owner || owner.computeId !== c.computeId || owner.status === 'FAILED') {
        await tryStep('remove compute', () => compute.remove(c.computeId));
        report.removedCompute.push(c.computeId);
      } else if (owner.status === 'STOPPED' && c.state !== 'STOPPED') {
        await tryStep('stop compute', () => compute.stop(c.computeId));
        report.stoppedCompute.push(c.computeId);
      }
    }
    for (const sessionId of await ingress.list()) {
      const owner = all.get(sessionId);
      // A PROVISIONING session may be getting its ingress from an event right now.
      const attaching = owner?.status === 'PROVISIONING' && !settled(owner.updatedAt);
      if (owner?.status !== 'RUNNING' && !attaching) {
        await tryStep('detach ingress', () => ingress.detach(sessionId));
        report.detachedIngress.push(sessionId);
      }
    }
    for (const hold of await store.listPorts()) {
      const owner = all.get(hold.sessionId);
      if ((!owner || owner.sshPort !== hold.port) && settled(hold.claimedAt)) {
        await tryStep('release port', () => store.releasePort(hold.port, hold.sessionId));
        report.releasedPorts.push(hold.port);
      }
    }
    for (const hold of await store.listSlots()) {
      const owner = all.get(hold.sessionId);
      const held = owner && isActive(owner.status) && owner.slots;
      const matches =
        held &&
        (hold.scope.kind === 'global'
          ? owner.slots?.global === hold.index
          : owner.slots?.user === hold.index);
      if (!matches && settled(hold.claimedAt)) {
        await tryStep('release slot', () => store.releaseSlot(hold.scope, hold.index, hold.sessionId));
        report.releasedSlots++;
      }
    }
  }
}
