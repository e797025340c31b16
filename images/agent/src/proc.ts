/**
 * Reads of the container's /proc and cgroup files. Answering from the kernel's tables instead of
 * connecting to sshd or Jupyter keeps Docker's 2-second health check from filling their logs
 * and from counting as SSH activity.
 */
import { readdir, readFile } from 'node:fs/promises';
import { parseCgroupV1Usage, parseCgroupV2CpuStat } from './activity.ts';

const TCP_LISTEN = '0A';

/** Local ports in LISTEN state in a /proc/net/tcp or tcp6 table. */
export function parseListeningPorts(table: string): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields[3] !== TCP_LISTEN) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return ports;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function listeningPorts(): Promise<Set<number>> {
  const tables = await Promise.all([readOptional('/proc/net/tcp'), readOptional('/proc/net/tcp6')]);
  const ports = new Set<number>();
  for (const table of tables) {
    if (table) for (const port of parseListeningPorts(table)) ports.add(port);
  }
  return ports;
}

/** CPU time used by the whole container so far (every process in its cgroup), in microseconds. */
export async function containerCpuMicros(): Promise<number | undefined> {
  const v2 = await readOptional('/sys/fs/cgroup/cpu.stat');
  if (v2 !== undefined) return parseCgroupV2CpuStat(v2);
  for (const path of ['/sys/fs/cgroup/cpuacct/cpuacct.usage', '/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage']) {
    const v1 = await readOptional(path);
    if (v1 !== undefined) return parseCgroupV1Usage(v1);
  }
  return undefined;
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** argv joined with spaces; for sshd this is its process title */
  cmdline: string;
}

/** The parent pid from /proc/{pid}/stat; the command name may itself hold spaces and parentheses. */
export function parseStatParent(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

export async function listProcesses(): Promise<ProcessInfo[]> {
  const entries = await readdir('/proc');
  const processes = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name): Promise<ProcessInfo | undefined> => {
        const [stat, cmdline] = await Promise.all([
          readOptional(`/proc/${name}/stat`),
          readOptional(`/proc/${name}/cmdline`),
        ]);
        const ppid = stat === undefined ? undefined : parseStatParent(stat);
        if (ppid === undefined || cmdline === undefined) return undefined;
        return { pid: Number(name), ppid, cmdline: cmdline.replace(/\0+$/, '').replaceAll('\0', ' ') };
      }),
  );
  return processes.filter((p): p is ProcessInfo => p !== undefined);
}
