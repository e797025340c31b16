/**
 * Idle detection input. The control plane's reaper pulls `report()`; it stops a session only
 * when `lastActivityAt` is old, so anything that means "someone or something is working" must
 * move it: app traffic, open SSH connections, busy kernels, CPU use.
 */

/** CPU use above this share of one core counts as work (a long training run with no UI open). */
export const CPU_BUSY_PERCENT = 10;

export interface ActivitySample {
  sshConnections: number;
  kernelsBusy: number;
  cpuPercent: number;
}

export interface ActivityReport extends ActivitySample {
  lastActivityAt: string;
  httpConnections: number;
}

export class ActivityTracker {
  private lastActivity: Date;
  private sample: ActivitySample = { sshConnections: 0, kernelsBusy: 0, cpuPercent: 0 };
  private openHttp = 0;

  constructor(startedAt: Date) {
    this.lastActivity = startedAt;
  }

  /** A proxied HTTP request or a WebSocket frame in either direction. */
  touch(now: Date = new Date()): void {
    if (now > this.lastActivity) this.lastActivity = now;
  }

  /** Counts an open app connection until the returned function is called (once is enough). */
  openConnection(now: Date = new Date()): () => void {
    this.openHttp += 1;
    this.touch(now);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.openHttp -= 1;
      this.touch();
    };
  }

  record(sample: ActivitySample, now: Date = new Date()): void {
    this.sample = sample;
    if (sample.sshConnections > 0 || sample.kernelsBusy > 0 || sample.cpuPercent > CPU_BUSY_PERCENT) {
      this.touch(now);
    }
  }

  report(): ActivityReport {
    return {
      lastActivityAt: this.lastActivity.toISOString(),
      sshConnections: this.sample.sshConnections,
      httpConnections: this.openHttp,
      kernelsBusy: this.sample.kernelsBusy,
      cpuPercent: this.sample.cpuPercent,
    };
  }
}

/** CPU time used between two readings, as a percentage of one core, rounded to 0.1. */
export function cpuPercent(previousMicros: number, currentMicros: number, elapsedMs: number): number {
  if (elapsedMs <= 0 || currentMicros < previousMicros) return 0;
  const percent = ((currentMicros - previousMicros) / 1000 / elapsedMs) * 100;
  return Math.round(percent * 10) / 10;
}

/** cgroup v2 `cpu.stat`: the `usage_usec` line. */
export function parseCgroupV2CpuStat(text: string): number | undefined {
  const match = /^usage_usec (\d+)$/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** cgroup v1 `cpuacct.usage`: nanoseconds. */
export function parseCgroupV1Usage(text: string): number | undefined {
  const value = Number(text.trim());
  return Number.isFinite(value) && text.trim() !== '' ? Math.floor(value / 1000) : undefined;
}
