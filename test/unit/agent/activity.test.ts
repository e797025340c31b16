import { describe, expect, it } from 'vitest';
import {
  ActivityTracker,
  cpuPercent,
  parseCgroupV1Usage,
  parseCgroupV2CpuStat,
} from '../../../images/agent/src/activity.ts';

const start = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
const idle = { sshConnections: 0, kernelsBusy: 0, cpuPercent: 0 };

describe('ActivityTracker', () => {
  it('starts at the start time and moves on app traffic, never backwards', () => {
    const tracker = new ActivityTracker(start);
    expect(tracker.report().lastActivityAt).toBe(start.toISOString());
    tracker.touch(at(30));
    tracker.touch(at(10));
    expect(tracker.report().lastActivityAt).toBe(at(30).toISOString());
  });

  it('moves for an open SSH connection, a busy kernel or CPU above 10 % of a core', () => {
    const tracker = new ActivityTracker(start);
    tracker.record({ ...idle, sshConnections: 1 }, at(5));
    expect(tracker.report().lastActivityAt).toBe(at(5).toISOString());
    tracker.record({ ...idle, kernelsBusy: 2 }, at(10));
    expect(tracker.report().lastActivityAt).toBe(at(10).toISOString());
    tracker.record({ ...idle, cpuPercent: 10.5 }, at(15));
    expect(tracker.report().lastActivityAt).toBe(at(15).toISOString());
  });

  it('stays put when nothing works, CPU at 10 % included', () => {
    const tracker = new ActivityTracker(start);
    tracker.record({ ...idle, cpuPercent: 10 }, at(60));
    expect(tracker.report()).toEqual({
      lastActivityAt: start.toISOString(),
      sshConnections: 0,
      httpConnections: 0,
      kernelsBusy: 0,
      cpuPercent: 10,
    });
  });

  it('reports the latest sample', () => {
    const tracker = new ActivityTracker(start);
    tracker.record({ sshConnections: 2, kernelsBusy: 1, cpuPercent: 55.5 }, at(1));
    tracker.record({ sshConnections: 1, kernelsBusy: 0, cpuPercent: 3 }, at(2));
    expect(tracker.report()).toMatchObject({ sshConnections: 1, kernelsBusy: 0, cpuPercent: 3 });
  });

  it('counts open connections, releasing each once', () => {
    const tracker = new ActivityTracker(start);
    const releaseA = tracker.openConnection(at(1));
    const releaseB = tracker.openConnection(at(2));
    expect(tracker.report().httpConnections).toBe(2);
    expect(tracker.report().lastActivityAt).toBe(at(2).toISOString());
    releaseA();
    releaseA();
    expect(tracker.report().httpConnections).toBe(1);
    releaseB();
    expect(tracker.report().httpConnections).toBe(0);
  });
});

describe('CPU measurement', () => {
  it('turns CPU time over wall time into a share of one core', () => {
    expect(cpuPercent(1_000_000, 1_500_000, 1_000)).toBe(50);
    expect(cpuPercent(0, 10_000_000, 5_000)).toBe(200);
    expect(cpuPercent(0, 123_456, 1_000)).toBe(12.3);
  });

  it('answers 0 for a counter reset or no elapsed time', () => {
    expect(cpuPercent(2_000_000, 1_000_000, 1_000)).toBe(0);
    expect(cpuPercent(0, 1_000_000, 0)).toBe(0);
  });

  it('reads cgroup v2 cpu.stat and v1 cpuacct.usage in microseconds', () => {
    expect(parseCgroupV2CpuStat('usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n')).toBe(123456);
    expect(parseCgroupV2CpuStat('user_usec 1\n')).toBeUndefined();
    expect(parseCgroupV1Usage('987654321\n')).toBe(987654);
    expect(parseCgroupV1Usage('')).toBeUndefined();
  });
});
