/**
 * Fargate accepts only certain (cpu, memory) pairs. A session asks for any size within the core's
 * limits; it gets the smallest valid pair at least as big in both dimensions.
 */
import type { Resources } from '../../core/model.ts';

export interface FargateSize {
  /** CPU units: 1024 = 1 vCPU */
  cpu: number;
  memoryMiB: number;
}

/** AWS's table for Linux tasks (platform 1.4.0): memory choices per CPU size. */
const TABLE: { cpu: number; memory: number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: steps(1024, 4096, 1024) },
  { cpu: 1024, memory: steps(2048, 8192, 1024) },
  { cpu: 2048, memory: steps(4096, 16384, 1024) },
  { cpu: 4096, memory: steps(8192, 30720, 1024) },
  { cpu: 8192, memory: steps(16384, 61440, 4096) },
  { cpu: 16384, memory: steps(32768, 122880, 8192) },
];

function steps(from: number, to: number, by: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += by) out.push(m);
  return out;
}

export class NoFargateSize extends Error {
  override name = 'NoFargateSize';
}

export function fargateSize(resources: Resources): FargateSize {
  const cpuUnits = Math.ceil(resources.cpu * 1024);
  for (const row of TABLE) {
    if (row.cpu < cpuUnits) continue;
    const memoryMiB = row.memory.find((m) => m >= resources.memoryMiB);
    if (memoryMiB !== undefined) return { cpu: row.cpu, memoryMiB };
  }
  throw new NoFargateSize(
    `no Fargate size holds ${resources.cpu} vCPU and ${resources.memoryMiB} MiB (the largest is 16 vCPU, 120 GiB)`,
  );
}
