/**
 * How long a user waits for a session, and what an idle session costs the host, on one host with
 * the real image: POST /v1/sessions -> RUNNING -> first `ssh true`, then each container's memory
 * once settled. Run: npm run bench (writes docs/benchmarks.md).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Api } from '../test/e2e/support/client.ts';
import { docker, removeContainersOf, startServer } from '../test/e2e/support/server.ts';
import { saveKey, ssh } from '../test/e2e/support/ssh.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { min: sorted[0] ?? 0, median: at(0.5), max: sorted.at(-1) ?? 0 };
}

const server = await startServer();
const report: string[] = [];
try {
  const user = await new Api(server.url, server.adminKey).createUser('bench');
  const running: number[] = [];
  const sshReady: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const name = `bench-${i}`;
    // Keep at most three alive (the per-user limit); those left are measured for memory below.
    if (i >= 3) await user.call('DELETE', `/v1/sessions/bench-${i - 3}`);
    const t0 = performance.now();
    await user.createSession(name);
    const session = await user.waitFor(name, 'RUNNING');
    running.push(performance.now() - t0);
    const key = saveKey(await user.sshKey(name));
    await ssh(key, session.ssh.port ?? 0, 'true');
    sshReady.push(performance.now() - t0);
  }
  await sleep(10_000);
  const containers = await docker.listContainers({ filters: { label: ['berth.managed=true'] } });
  const memory: number[] = [];
  for (const c of containers) {
    const s = (await docker.getContainer(c.Id).stats({ stream: false })) as {
      memory_stats: { usage?: number };
    };
    if (s.memory_stats.usage) memory.push(s.memory_stats.usage / 2 ** 20);
  }
  const image = await docker.getImage('berth-workspace:latest').inspect();
  const r = stats(running);
  const sr = stats(sshReady);
  const m = stats(memory);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  report.push(
    '# Benchmarks',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` (bench/session-start.ts) on this project's`,
    `CI machine kind: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Docker ${execFileSync('docker', ['version', '--format', '{{.Server.Version}}']).toString().trim()}, the real workspace image`,
    `(${Math.round(image.Size / 2 ** 20)} MiB). ${RUNS} sessions started one after another (other work may have shared the machine).`,
    '',
    '| what | min | median | max |',
    '|---|---|---|---|',
    `| POST /v1/sessions -> RUNNING (sshd and Jupyter answer) | ${fmt(r.min)} | ${fmt(r.median)} | ${fmt(r.max)} |`,
    `| POST /v1/sessions -> first successful \`ssh true\` | ${fmt(sr.min)} | ${fmt(sr.median)} | ${fmt(sr.max)} |`,
    `| memory of an idle session (container, 10 s after start) | ${m.min.toFixed(0)} MiB | ${m.median.toFixed(0)} MiB | ${m.max.toFixed(0)} MiB |`,
    '',
    'Goal: a session is usable over SSH within 10 s of the request on one host, and an idle',
    "session costs under 256 MiB, so a 16 GiB host runs dozens. RUNNING waits for Docker's health",
    'check (every 2 s) to see sshd and Jupyter answer, so starts land near multiples of 2 s.',
    '',
  );
  writeFileSync(path.resolve(import.meta.dirname, '../docs/benchmarks.md'), report.join('\n'));
  console.log(report.join('\n'));
} finally {
  await server.stop();
  await removeContainersOf(server.dataDir);
}
