/**
 * `npm run emulate` as a library: its own moto_server, the base resources, the API on a real port,
 * and the reaper's timer standing in for ECS events. Pointed at a long-lived emulator, a restart
 * reuses the base resources it made before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../../lambdas/config/env.ts';
import { type RunningEmulator, startEmulator } from '../../../lambdas/emulate/emulator.ts';
import { startMoto } from '../../../lambdas/emulate/moto.ts';
import { freePort } from '../../../lambdas/host/free-port.ts';

const KEY = 'berth_emulate-test-key-0123456789';
const quiet = { [ENV.adminKey]: KEY, [ENV.logLevel]: 'SILENT', [ENV.reaperIntervalSeconds]: '1' };
const running: RunningEmulator[] = [];

afterAll(async () => {
  for (const emulator of running) await emulator.close();
});

async function call(emulator: RunningEmulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as { status?: string } };
}

describe('the emulator', () => {
  it('serves the API over HTTP and moves a session to RUNNING by polling, with no ECS events', async () => {
    const emulator = await startEmulator({ ...quiet, [ENV.port]: String(await freePort()) });
    running.push(emulator);
    expect(emulator.adminKey).toEqual({ value: KEY, generated: false });
    expect((await call(emulator, 'GET', '/v1/health')).status).toBe(200);
    expect((await call(emulator, 'POST', '/v1/sessions', { name: 'lab' })).status).toBe(202);

    let status: string | undefined;
    for (let i = 0; i < 50 && status !== 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call(emulator, 'GET', '/v1/sessions/lab')).body.status;
    }
    expect(status).toBe('RUNNING');
  });

  it('reuses the base resources of an earlier run on the same emulator', async () => {
    const moto = await startMoto();
    try {
      const env = {
        ...quiet,
        [ENV.port]: String(await freePort()),
        [ENV.awsEndpoint]: moto.endpoint,
        [ENV.reaperIntervalSeconds]: '60',
      };
      const first = await startEmulator(env);
      await first.close();
      const second = await startEmulator(env);
      await second.close();
      expect(second.base).toEqual(first.base);
    } finally {
      await moto.stop();
    }
  });
});
