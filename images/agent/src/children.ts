/**
 * The long-running programs the agent owns (sshd, Jupyter). Each runs as `work`, in its own
 * process group so a stop also reaches the helpers it started there, and is restarted with
 * back-off if it dies: a session should heal itself rather than sit half-broken until reaped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { AgentConfig } from './config.ts';
import { WORK_USER } from './config.ts';
import { errorMessage, log } from './log.ts';

const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that stayed up this long is healthy again: its next crash restarts it quickly. */
const STABLE_AFTER_MS = 60_000;

/**
 * The environment of every user process. Built from scratch so the app secret, which signs
 * launch and activity credentials, never reaches code the user runs.
 */
export function workEnvironment(config: AgentConfig): Record<string, string> {
  return {
    HOME: WORK_USER.home,
    USER: WORK_USER.name,
    LOGNAME: WORK_USER.name,
    SHELL: WORK_USER.shell,
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    BERTH_SESSION_ID: config.sessionId,
    BERTH_BASE_PATH: config.basePath,
    BERTH_OWNER: config.owner,
  };
}

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** sees each line the child writes to stdout or stderr (they are logged as well) */
  onLine?: (line: string) => void;
}

export class SupervisedChild {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly spec: ChildSpec) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  start(): void {
    const { name, command, args, env, cwd } = this.spec;
    const startedAt = Date.now();
    const child = spawn(command, args, {
      cwd,
      env,
      uid: WORK_USER.uid,
      gid: WORK_USER.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    log.info('child-started', { child: name, pid: child.pid });

    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.info('child-output', { child: name, line });
        this.spec.onLine?.(line);
      });
    }
    child.on('error', (err) => log.error('child-error', { child: name, error: errorMessage(err) }));
    child.once('exit', (code, signal) => {
      log.info('child-exited', { child: name, code: code ?? undefined, signal: signal ?? undefined });
      if (this.stopping) return;
      if (Date.now() - startedAt > STABLE_AFTER_MS) this.restartDelayMs = FIRST_RESTART_DELAY_MS;
      log.warn('child-restarting', { child: name, inMs: this.restartDelayMs });
      this.restartTimer = setTimeout(() => this.start(), this.restartDelayMs);
      this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    });
  }

  /** SIGTERM to the child's process group, SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const pid = this.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
