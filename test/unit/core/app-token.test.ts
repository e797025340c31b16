import { describe, expect, it } from 'vitest';
import {
  activityCredential,
  cookieName,
  mintAppToken,
  newSessionSecret,
  verifyAppToken,
} from '../../../lambdas/core/app-token.ts';

const secret = newSessionSecret();
const now = new Date('2026-11-23T12:00:00Z');
const launch = (sid = 's-a', ttlSeconds = 120) =>
  mintAppToken(secret, { sid, kind: 'launch', app: 'jupyter', ttlSeconds }, now);

describe('app tokens', () => {
  it('accepts a fresh token for its own session and kind', () => {
    const check = verifyAppToken(launch(), { sessionId: 's-a', secret, kind: 'launch' }, now);
    expect(check).toMatchObject({ ok: true, payload: { sid: 's-a', app: 'jupyter', kind: 'launch' } });
  });

  it("answers 403 for another session's token and 401 for anything forged", () => {
    expect(verifyAppToken(launch('s-b'), { sessionId: 's-a', secret, kind: 'launch' }, now)).toMatchObject({
      ok: false,
      status: 403,
    });
    const [body, mac] = launch().split('.');
    const tampered = `${Buffer.from(JSON.stringify({ sid: 's-a', kind: 'launch', exp: 9e9, jti: 'x' })).toString('base64url')}.${mac}`;
    expect(verifyAppToken(tampered, { sessionId: 's-a', secret, kind: 'launch' }, now)).toMatchObject({
      status: 401,
    });
    expect(verifyAppToken(`${body}.AAAA`, { sessionId: 's-a', secret, kind: 'launch' }, now)).toMatchObject({
      status: 401,
    });
    expect(verifyAppToken('garbage', { sessionId: 's-a', secret, kind: 'launch' }, now)).toMatchObject({
      status: 401,
    });
    expect(
      verifyAppToken(launch(), { sessionId: 's-a', secret: newSessionSecret(), kind: 'launch' }, now),
    ).toMatchObject({
      status: 401,
    });
  });

  it('refuses expired tokens and the wrong kind', () => {
    const later = new Date(now.getTime() + 121_000);
    expect(verifyAppToken(launch(), { sessionId: 's-a', secret, kind: 'launch' }, later)).toMatchObject({
      status: 401,
    });
    expect(verifyAppToken(launch(), { sessionId: 's-a', secret, kind: 'cookie' }, now)).toMatchObject({
      status: 401,
    });
  });

  it('gives every token a unique id and every session its own cookie name', () => {
    expect(launch()).not.toBe(launch());
    expect(cookieName('s-abc')).not.toBe(cookieName('s-abd'));
    expect(cookieName('s-abc')).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it('derives a per-session activity credential', () => {
    expect(activityCredential(secret)).toBe(activityCredential(secret));
    expect(activityCredential(secret)).not.toBe(activityCredential(newSessionSecret()));
  });
});
