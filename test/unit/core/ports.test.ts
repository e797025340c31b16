import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatePort } from '../../../lambdas/core/ports.ts';
import { startDynalite } from '../../../lambdas/host/dynalite.ts';
import { createDocumentClient, ensureTable } from '../../../lambdas/store/client.ts';
import { DynamoStore } from '../../../lambdas/store/dynamo-store.ts';

let store: DynamoStore;
let close: () => Promise<void>;

beforeAll(async () => {
  const dynamo = await startDynalite();
  close = dynamo.close;
  const db = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(db, 'berth');
  store = new DynamoStore(db, 'berth');
});
afterAll(() => close());

describe('allocatePort', () => {
  it('takes the first free preferred port', async () => {
    expect(await allocatePort(store, 's-1', [undefined, 12345])).toBe(12345);
    expect(await allocatePort(store, 's-2', [12345, 12346])).toBe(12346);
  });

  it('falls back to random ports inside 10000-65000, skipping held and vetoed ones', async () => {
    const sequence = [0, 0.5, 0.99999999];
    let i = 0;
    const random = () => sequence[i++ % sequence.length] ?? 0;
    await store.claimPort(10000, 's-x');
    const port = await allocatePort(store, 's-3', [12345], { random, isUsable: async (p) => p !== 37500 });
    expect(port).toBe(65000);
  });

  it('gives up with a 409 when nothing is free', async () => {
    await expect(allocatePort(store, 's-4', [], { isUsable: async () => false })).rejects.toMatchObject({
      status: 409,
    });
  });

  it('lets the holder claim its port again but nobody else', async () => {
    expect(await store.claimPort(20000, 's-5')).toBe(true);
    expect(await store.claimPort(20000, 's-5')).toBe(true);
    expect(await store.claimPort(20000, 's-6')).toBe(false);
    await store.releasePort(20000, 's-6');
    expect((await store.listPorts()).find((p) => p.port === 20000)?.sessionId).toBe('s-5');
  });
});
