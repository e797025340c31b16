/**
 * SSH port allocation. Uniqueness comes from the store's conditional put of a port item, so two
 * concurrent launches can never get one port; this file only decides which ports to try.
 */
import { Conflict } from './errors.ts';
import type { Store } from './interfaces.ts';
import { SSH_PORT_RANGE } from './names.ts';

const RANDOM_TRIES = 32;

export class NoFreePort extends Conflict {
  override name = 'NoFreePort';
  constructor() {
    super('no-free-port', 'No free SSH port', 'Could not find a free SSH port; try again.');
  }
}

function randomPort(random: () => number): number {
  return SSH_PORT_RANGE.min + Math.floor(random() * (SSH_PORT_RANGE.max - SSH_PORT_RANGE.min + 1));
}

/**
 * Claims the first free port of: the preferred ones (in order), then random ones avoiding those
 * already known to be held. `isUsable` lets a driver veto ports it cannot bind on its host.
 */
export async function allocatePort(
  store: Store,
  sessionId: string,
  preferred: (number | undefined)[],
  options: { random?: () => number; isUsable?: (port: number) => Promise<boolean> } = {},
): Promise<number> {
  const random = options.random ?? Math.random;
  const isUsable = options.isUsable ?? (async () => true);
  for (const port of preferred) {
    if (port !== undefined && (await isUsable(port)) && (await store.claimPort(port, sessionId))) return port;
  }
  const held = new Set((await store.listPorts()).map((hold) => hold.port));
  for (let i = 0; i < RANDOM_TRIES; i++) {
    const port = randomPort(random);
    if (held.has(port) || !(await isUsable(port))) continue;
    if (await store.claimPort(port, sessionId)) return port;
    held.add(port);
  }
  throw new NoFreePort();
}
