/**
 * Session limits as slot items: a session holds one per-user slot and one global slot while it
 * holds compute. Each claim is a conditional put, so concurrent launches cannot exceed a limit,
 * and each slot names its holder, so the reconciler can free exactly the slots of dead sessions.
 */
import type { CoreConfig } from './config.ts';
import { CapacityReached, SessionLimitReached } from './errors.ts';
import type { Store } from './interfaces.ts';
import type { SlotClaim } from './model.ts';

export async function claimSlots(
  store: Store,
  config: Pick<CoreConfig, 'maxSessionsPerUser' | 'maxActiveSessions'>,
  userId: string,
  sessionId: string,
): Promise<SlotClaim> {
  const user = await store.claimSlot({ kind: 'user', userId }, config.maxSessionsPerUser, sessionId);
  if (user === undefined) throw new SessionLimitReached(config.maxSessionsPerUser);
  const global = await store.claimSlot({ kind: 'global' }, config.maxActiveSessions, sessionId);
  if (global === undefined) {
    await store.releaseSlot({ kind: 'user', userId }, user, sessionId);
    throw new CapacityReached(config.maxActiveSessions);
  }
  return { user, global };
}

export async function releaseSlots(
  store: Store,
  userId: string,
  slots: SlotClaim,
  sessionId: string,
): Promise<void> {
  await store.releaseSlot({ kind: 'user', userId }, slots.user, sessionId);
  await store.releaseSlot({ kind: 'global' }, slots.global, sessionId);
}
