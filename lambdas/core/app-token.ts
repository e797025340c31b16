/**
 * App tokens: the only credential a browser presents to a session's agent.
 *
 * The control plane mints a short-lived, single-use *launch* token; the agent trades it for a
 * longer-lived *cookie* token scoped to `/s/{sessionId}/`. Both are HMAC-SHA256 signed with the
 * session's own secret, so a token for one session is worthless on another, and the agent needs
 * no call back to the control plane to check one. This file is imported by both sides (the agent
 * bundles it), so it depends on node:crypto only.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppName } from './apps.ts';

export type TokenKind = 'launch' | 'cookie';

export interface AppTokenPayload {
  /** session id the token is good for */
  sid: string;
  /** launch tokens name the app they open; cookie tokens are good for every app of the session */
  app?: AppName;
  kind: TokenKind;
  /** expiry, seconds since the epoch */
  exp: number;
  /** unique id, so the agent can refuse a second use of a launch token */
  jti: string;
}

export type TokenCheck =
  | { ok: true; payload: AppTokenPayload }
  | { ok: false; status: 401 | 403; reason: string };

export const LAUNCH_TOKEN_TTL_SECONDS = 120;
export const COOKIE_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** Name of the query parameter that carries a launch token. */
export const LAUNCH_TOKEN_PARAM = 'berth_token';

/** Cookie name; one per session so several sessions can be open in one browser. */
export function cookieName(sessionId: string): string {
  return `berth_${sessionId.replace(/[^A-Za-z0-9]/g, '')}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('hex');
}

function sign(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}

export function mintAppToken(
  secret: string,
  claims: { sid: string; kind: TokenKind; app?: AppName; ttlSeconds: number },
  now: Date = new Date(),
): string {
  const payload: AppTokenPayload = {
    sid: claims.sid,
    kind: claims.kind,
    ...(claims.app ? { app: claims.app } : {}),
    exp: Math.floor(now.getTime() / 1000) + claims.ttlSeconds,
    jti: randomBytes(12).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

function decode(token: string): { body: string; mac: string; payload: AppTokenPayload } | undefined {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<AppTokenPayload>;
    if (
      typeof payload.sid !== 'string' ||
      (payload.kind !== 'launch' && payload.kind !== 'cookie') ||
      typeof payload.exp !== 'number' ||
      typeof payload.jti !== 'string'
    ) {
      return undefined;
    }
    return { body, mac, payload: payload as AppTokenPayload };
  } catch {
    return undefined;
  }
}

/**
 * Checks a token for `sessionId`. A well-formed token naming another session is a 403 (the
 * caller is authenticated somewhere, just not here); anything forged, expired or garbled is a 401.
 */
export function verifyAppToken(
  token: string,
  expected: { sessionId: string; secret: string; kind: TokenKind },
  now: Date = new Date(),
): TokenCheck {
  const decoded = decode(token);
  if (!decoded) return { ok: false, status: 401, reason: 'malformed token' };
  const { body, mac, payload } = decoded;
  if (payload.sid !== expected.sessionId) {
    return { ok: false, status: 403, reason: 'token belongs to another session' };
  }
  const want = Buffer.from(sign(expected.secret, body));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    return { ok: false, status: 401, reason: 'bad signature' };
  }
  if (payload.kind !== expected.kind)
    return { ok: false, status: 401, reason: `not a ${expected.kind} token` };
  if (payload.exp * 1000 <= now.getTime()) return { ok: false, status: 401, reason: 'token expired' };
  return { ok: true, payload };
}

/**
 * The bearer credential the control plane uses to read a session's activity from its agent.
 * Derived from the session secret so the agent needs no second secret.
 */
export function activityCredential(secret: string): string {
  return sign(secret, 'berth:activity');
}
