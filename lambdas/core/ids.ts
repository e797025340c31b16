import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lowercase base32 so ids are safe in DNS labels (per-session origins) and Docker names. */
function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

export const newSessionId = (): string => `s-${randomId(20)}`;
export const newUserId = (): string => `u-${randomId(20)}`;
export const newApiKey = (): string => `berth_${randomBytes(24).toString('base64url')}`;

export const SESSION_ID_PATTERN = /^s-[a-z2-7]{20}$/;

/** API keys carry 192 random bits, so a plain SHA-256 is a safe at-rest form (no salt or KDF needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
