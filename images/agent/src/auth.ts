/**
 * Who may reach the session's apps. The agent is the only gate (Jupyter runs without a token),
 * so every request under `{BASE_PATH}/{app}/` passes through `AppGate.decide` first.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  activityCredential,
  COOKIE_TOKEN_TTL_SECONDS,
  cookieName,
  LAUNCH_TOKEN_PARAM,
  mintAppToken,
  verifyAppToken,
} from '../../../lambdas/core/app-token.ts';

export interface GateRequest {
  /** request target as received: path and query */
  url: string;
  cookieHeader?: string | undefined;
  /** the browser reached us over HTTPS (through the ALB or the host proxy) */
  secure: boolean;
  /** a WebSocket upgrade cannot be answered with a cookie and a redirect, so it needs the cookie */
  upgrade: boolean;
}

export type GateDecision =
  | { kind: 'allow' }
  | { kind: 'redirect'; location: string; setCookie: string }
  | { kind: 'deny'; status: 401 | 403; detail: string };

/**
 * Launch tokens travel in URLs (browser history, proxy logs), so each works once. The agent
 * remembers a token's jti until the token would have expired anyway; after that the signature
 * check refuses it without any memory.
 */
export class LaunchTokenLedger {
  private readonly used = new Map<string, number>();

  /** Records the use of `jti`; false if it was used before. */
  claim(jti: string, expiresAtSeconds: number, now: Date): boolean {
    const nowMs = now.getTime();
    for (const [id, expiresAtMs] of this.used) {
      if (expiresAtMs <= nowMs) this.used.delete(id);
    }
    if (this.used.has(jti)) return false;
    this.used.set(jti, expiresAtSeconds * 1000);
    return true;
  }

  get size(): number {
    return this.used.size;
  }
}

export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}

export class AppGate {
  private readonly ledger = new LaunchTokenLedger();
  private readonly cookie: string;

  constructor(private readonly session: { sessionId: string; secret: string; basePath: string }) {
    this.cookie = cookieName(session.sessionId);
  }

  decide(request: GateRequest, now: Date = new Date()): GateDecision {
    const { sessionId, secret } = this.session;
    const url = new URL(request.url, 'http://agent.invalid');
    const launchToken = url.searchParams.get(LAUNCH_TOKEN_PARAM);

    if (launchToken !== null && !request.upgrade) {
      const check = verifyAppToken(launchToken, { sessionId, secret, kind: 'launch' }, now);
      if (!check.ok) return { kind: 'deny', status: check.status, detail: check.reason };
      if (!this.ledger.claim(check.payload.jti, check.payload.exp, now)) {
        return { kind: 'deny', status: 401, detail: 'launch token already used' };
      }
      url.searchParams.delete(LAUNCH_TOKEN_PARAM);
      const cookieToken = mintAppToken(
        secret,
        { sid: sessionId, kind: 'cookie', ttlSeconds: COOKIE_TOKEN_TTL_SECONDS },
        now,
      );
      return {
        kind: 'redirect',
        location: `${url.pathname}${url.search}`,
        setCookie: this.serializeCookie(cookieToken, request.secure),
      };
    }

    const candidates = readCookies(request.cookieHeader, this.cookie);
    if (candidates.length === 0) return { kind: 'deny', status: 401, detail: 'no session cookie' };
    // A browser may hold a stale cookie beside a fresh one; any valid one admits.
    let firstFailure: GateDecision | undefined;
    for (const token of candidates) {
      const check = verifyAppToken(token, { sessionId, secret, kind: 'cookie' }, now);
      if (check.ok) return { kind: 'allow' };
      firstFailure ??= { kind: 'deny', status: check.status, detail: check.reason };
    }
    return firstFailure as GateDecision;
  }

  private serializeCookie(token: string, secure: boolean): string {
    const attributes = [
      `${this.cookie}=${token}`,
      `Path=${this.session.basePath}/`,
      `Max-Age=${COOKIE_TOKEN_TTL_SECONDS}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (secure) attributes.push('Secure');
    return attributes.join('; ');
  }
}

/** The control plane's reaper presents `Bearer <activityCredential(secret)>`. */
export function isActivityCallerAuthorized(authorization: string | undefined, secret: string): boolean {
  if (!authorization) return false;
  const want = Buffer.from(`Bearer ${activityCredential(secret)}`);
  const got = Buffer.from(authorization);
  return want.length === got.length && timingSafeEqual(want, got);
}
