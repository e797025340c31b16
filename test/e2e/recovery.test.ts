/**
 * What must hold when things go wrong on one host: concurrent launches racing for one port, and
 * the server killed (SIGKILL) in the middle of launches, then started again.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isActive } from '../../lambdas/core/model.ts';
import { startDynalite } from '../../lambdas/host/dynalite.ts';
import { createDocumentClient } from '../../lambdas/store/client.ts';
import { DynamoStore } from '../../lambdas/store/dynamo-store.ts';
import { DEFAULT_TABLE_NAME } from '../../lambdas/store/table.ts';
import { Api, type Session } from './support/client.ts';
import { type BerthProcess, docker, removeContainersOf, startServer } from './support/server.ts';

const started: BerthProcess[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) {
    await server.stop().catch(() => undefined);
    await removeContainersOf(server.dataDir);
  }
});

async function containersOf(server: BerthProcess) {
  const { readFileSync } = await import('node:fs');
  const installation = readFileSync(path.join(server.dataDir, 'installation-id'), 'utf8').trim();
  return docker.listContainers({ all: true, filters: { label: [`berth.installation=${installation}`] } });
}

describe('SSH ports under concurrent launches', () => {
  it('gives every session its own port, the preferred one to exactly one', async () => {
    const server = await startServer();
    started.push(server);
    const admin = new Api(server.url, server.adminKey);
    const users = await Promise.all(['p1', 'p2', 'p3'].map((n) => admin.createUser(n)));
    await Promise.all(users.map((u) => u.json('PATCH', '/v1/me/settings', { preferredSshPort: 31337 }, 200)));
    const sessions = await Promise.all(users.flatMap((u) => [u.createSession('a'), u.createSession('b')]));
    const ports = sessions.map((s) => s.ssh.port);
    expect(new Set(ports).size).toBe(6);
    expect(ports.filter((p) => p === 31337)).toHaveLength(1);

    // Docker agrees: six containers, six distinct published SSH ports.
    const published = (await containersOf(server)).flatMap((c) =>
      c.Ports.filter((p) => p.PrivatePort === 2222).map((p) => p.PublicPort),
    );
    expect(published.sort()).toEqual([...ports].sort());
  });
});

describe('a server killed mid-launch', () => {
  // 30 ms: before anything is written; 300 ms: sessions PENDING, containers being created;
  // 1500 ms: containers started, none healthy yet (RUNNING takes seconds).
  it.each([30, 300, 1500])(
    'reconciles on restart (kill after %i ms): true states, no orphans, no leaks',
    async (delayMs) => {
      const first = await startServer();
      const { dataDir, port, adminKey } = first;
      const admin = new Api(first.url, adminKey);
      const user = await admin.createUser('crash');
      // Launches in flight at different points of the saga when the kill lands.
      const inFlight = ['k1', 'k2', 'k3'].map((name) => user.createSession(name).catch(() => undefined));
      await sleep(delayMs);
      await first.kill();
      // Every launch was cut off before RUNNING: its request died with the server, or it was PROVISIONING.
      for (const answer of await Promise.all(inFlight)) {
        if (answer) expect(['PENDING', 'PROVISIONING']).toContain(answer.status);
      }

      const second = await startServer({ dataDir, port });
      started.push(second);
      const all = () =>
        new Api(second.url, adminKey).json<{ sessions: Session[] }>('GET', '/v1/sessions?all=true');

      // Everything settles into RUNNING or FAILED; nothing stays half-launched.
      const deadline = Date.now() + 180_000;
      let sessions = (await all()).sessions;
      while (Date.now() < deadline && sessions.some((s) => s.status !== 'RUNNING' && s.status !== 'FAILED')) {
        await sleep(1000);
        sessions = (await all()).sessions;
      }
      if (delayMs >= 1500) expect(sessions.length).toBeGreaterThan(0);
      for (const s of sessions) expect(['RUNNING', 'FAILED']).toContain(s.status);
      for (const s of sessions.filter((x) => x.status === 'FAILED')) expect(s.statusReason).toBeTruthy();

      // Containers: exactly one per RUNNING session, none for FAILED or unknown ones.
      const containers = await containersOf(second);
      const running = sessions
        .filter((s) => s.status === 'RUNNING')
        .map((s) => s.id)
        .sort();
      expect(containers.map((c) => c.Labels['berth.session']).sort()).toEqual(running);
      expect(containers.every((c) => c.State === 'running')).toBe(true);

      // Ports and slots, read straight from the store once the server is down.
      await second.stop();
      started.pop();
      const dynamo = await startDynalite({ path: path.join(dataDir, 'db') });
      try {
        const store = new DynamoStore(
          createDocumentClient({ endpoint: dynamo.endpoint }),
          DEFAULT_TABLE_NAME,
        );
        const records = new Map((await store.listAllSessions()).map((r) => [r.id, r]));
        for (const hold of await store.listPorts()) {
          expect(records.get(hold.sessionId)?.sshPort, `port ${hold.port}`).toBe(hold.port);
        }
        for (const hold of await store.listSlots()) {
          const owner = records.get(hold.sessionId);
          expect(owner && isActive(owner.status), `slot of ${hold.sessionId}`).toBe(true);
        }
        for (const record of records.values()) {
          if (record.status === 'FAILED') expect(record.sshPort).toBeUndefined();
        }
      } finally {
        await dynamo.close();
        await removeContainersOf(dataDir);
      }
    },
  );
});
