import { describe, expect, it } from 'vitest';
import {
  AppGate,
  isActivityCallerAuthorized,
  LaunchTokenLedger,
  readCookies,
} from '../../../images/agent/src/auth.ts';
import {
  activityCredential,
  cookieName,
  mintAppToken,
  verifyAppToken,
} from '../../../lambdas/core/app-token.ts';

const secret = 'a'.repeat(64);
const otherSecret = 'b'.repeat(64);
const sessionId = 's-test';
const now = new Date('2026-01-01T12:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const gate = () => new AppGate({ sessionId, secret, basePath: '/s/s-test' });
const launch = (claims: Partial<{ sid: string; ttl: number; secret: string }> = {}) =>
  mintAppToken(
    claims.secret ?? secret,
    { sid: claims.sid ?? sessionId, kind: 'launch', app: 'jupyter', ttlSeconds: claims.ttl ?? 120 },
    now,
  );
const cookieToken = (sid = sessionId, ttl = 3600) =>
  mintAppToken(secret, { sid, kind: 'cookie', ttlSeconds: ttl }, now);
const cookieHeader = (token: string) => `other=1; ${cookieName(sessionId)}=${token}`;

describe('AppGate with a launch token', () => {
  it('trades it for a session cookie and redirects to the URL without it', () => {
    const decision = gate().decide(
      { url: `/s/s-test/jupyter/tree?x=1&berth_token=${launch()}&y=2`, secure: false, upgrade: false },
      now,
    );
    expect(decision.kind).toBe('redirect');
    if (decision.kind !== 'redirect') return;
    expect(decision.location).toBe('/s/s-test/jupyter/tree?x=1&y=2');
    const [pair, ...attributes] = decision.setCookie.split('; ');
    expect(pair?.startsWith(`${cookieName(sessionId)}=`)).toBe(true);
    expect(attributes).toEqual(['Path=/s/s-test/', 'Max-Age=43200', 'HttpOnly', 'SameSite=Lax']);
    const token = pair?.slice(pair.indexOf('=') + 1) ?? '';
    expect(verifyAppToken(token, { sessionId, secret, kind: 'cookie' }, now).ok).toBe(true);
  });

  it('marks the cookie Secure when the browser came over HTTPS', () => {
    const decision = gate().decide(
      { url: `/s/s-test/ttyd/?berth_token=${launch()}`, secure: true, upgrade: false },
      now,
    );
    expect(decision.kind === 'redirect' && decision.setCookie.endsWith('; Secure')).toBe(true);
  });

  it('refuses a second use of the same token with 401', () => {
    const g = gate();
    const token = launch();
    const url = `/s/s-test/jupyter/?berth_token=${token}`;
    expect(g.decide({ url, secure: false, upgrade: false }, now).kind).toBe('redirect');
    expect(g.decide({ url, secure: false, upgrade: false }, later(1))).toEqual({
      kind: 'deny',
      status: 401,
      detail: 'launch token already used',
    });
  });

  it('answers 403 for a token of another session and 401 for forged or expired ones', () => {
    const decide = (token: string, at = now) =>
      gate().decide({ url: `/s/s-test/jupyter/?berth_token=${token}`, secure: false, upgrade: false }, at);
    expect(decide(launch({ sid: 's-other' }))).toMatchObject({ kind: 'deny', status: 403 });
    expect(decide(launch({ secret: otherSecret }))).toMatchObject({ kind: 'deny', status: 401 });
    expect(decide(launch(), later(121))).toMatchObject({
      kind: 'deny',
      status: 401,
      detail: 'token expired',
    });
    expect(decide('garbage')).toMatchObject({ kind: 'deny', status: 401 });
    expect(decide(cookieToken())).toMatchObject({ kind: 'deny', status: 401, detail: 'not a launch token' });
  });

  it('ignores the launch token on a WebSocket upgrade and needs the cookie', () => {
    const decision = gate().decide(
      { url: `/s/s-test/ttyd/ws?berth_token=${launch()}`, secure: false, upgrade: true },
      now,
    );
    expect(decision).toMatchObject({ kind: 'deny', status: 401, detail: 'no session cookie' });
  });
});

describe('AppGate with a cookie', () => {
  const decide = (header: string | undefined, at = now) =>
    gate().decide(
      { url: '/s/s-test/jupyter/api/status', cookieHeader: header, secure: false, upgrade: true },
      at,
    );

  it('admits a valid cookie token', () => {
    expect(decide(cookieHeader(cookieToken()))).toEqual({ kind: 'allow' });
  });

  it('answers 401 without a cookie and for a launch token or an expired token in the cookie', () => {
    expect(decide(undefined)).toMatchObject({ kind: 'deny', status: 401 });
    expect(decide('other=1')).toMatchObject({ kind: 'deny', status: 401 });
    expect(decide(cookieHeader(launch()))).toMatchObject({ kind: 'deny', status: 401 });
    expect(decide(cookieHeader(cookieToken()), later(3601))).toMatchObject({ kind: 'deny', status: 401 });
  });

  it('answers 403 for a cookie token of another session', () => {
    expect(decide(cookieHeader(cookieToken('s-other')))).toMatchObject({ kind: 'deny', status: 403 });
  });

  it('admits when a stale cookie sits beside a fresh one', () => {
    const name = cookieName(sessionId);
    expect(decide(`${name}=stale; ${name}=${cookieToken()}`)).toEqual({ kind: 'allow' });
  });
});

describe('LaunchTokenLedger', () => {
  it('forgets a jti once its token has expired', () => {
    const ledger = new LaunchTokenLedger();
    const exp = Math.floor(now.getTime() / 1000) + 10;
    expect(ledger.claim('a', exp, now)).toBe(true);
    expect(ledger.claim('a', exp, later(5))).toBe(false);
    expect(ledger.claim('b', exp + 100, later(11))).toBe(true);
    expect(ledger.size).toBe(1);
  });
});

describe('readCookies', () => {
  it('finds every value of the named cookie only', () => {
    expect(readCookies('a=1; berth_stest=x.y; b=2;berth_stest=z', 'berth_stest')).toEqual(['x.y', 'z']);
    expect(readCookies('xberth_stest=1', 'berth_stest')).toEqual([]);
    expect(readCookies(undefined, 'berth_stest')).toEqual([]);
  });
});

describe('activity credential', () => {
  it('admits only the bearer credential derived from this session secret', () => {
    expect(isActivityCallerAuthorized(`Bearer ${activityCredential(secret)}`, secret)).toBe(true);
    expect(isActivityCallerAuthorized(`Bearer ${activityCredential(otherSecret)}`, secret)).toBe(false);
    expect(isActivityCallerAuthorized(activityCredential(secret), secret)).toBe(false);
    expect(isActivityCallerAuthorized(undefined, secret)).toBe(false);
  });
});
