import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../../images/agent/src/config.ts';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEexampleEXAMPLEexampleEXAMPLEexample0 berth-session';
const good = {
  BERTH_SESSION_ID: 's-abcdefghij234567abcd',
  BERTH_APP_SECRET: '0123456789abcdef'.repeat(4),
  BERTH_SSH_PUBLIC_KEY: key,
  BERTH_BASE_PATH: '/s/s-abcdefghij234567abcd/',
  BERTH_OWNER: 'alice',
};

describe('readConfig', () => {
  it('reads a complete environment and drops the trailing slash of the base path', () => {
    expect(readConfig(good)).toEqual({
      sessionId: good.BERTH_SESSION_ID,
      appSecret: good.BERTH_APP_SECRET,
      sshPublicKey: key,
      basePath: '/s/s-abcdefghij234567abcd',
      owner: 'alice',
    });
  });

  it('accepts an empty base path for a session with its own origin', () => {
    expect(readConfig({ ...good, BERTH_BASE_PATH: '' }).basePath).toBe('');
  });

  it('names every problem at once', () => {
    expect(() => readConfig({})).toThrow(ConfigError);
    expect(() => readConfig({})).toThrow(/BERTH_SESSION_ID.*BERTH_APP_SECRET.*BERTH_SSH_PUBLIC_KEY/);
  });

  it('refuses a key value that would add a second authorized_keys line', () => {
    expect(() => readConfig({ ...good, BERTH_SSH_PUBLIC_KEY: `${key}\ncommand="sh" ${key}` })).toThrow(
      /BERTH_SSH_PUBLIC_KEY/,
    );
  });

  it('refuses an uppercase secret and a base path with odd characters', () => {
    expect(() => readConfig({ ...good, BERTH_APP_SECRET: 'A'.repeat(64) })).toThrow(/BERTH_APP_SECRET/);
    expect(() => readConfig({ ...good, BERTH_BASE_PATH: '/s/x y' })).toThrow(/BERTH_BASE_PATH/);
  });

  it('falls back to "work" for a missing or odd owner, which is only informational', () => {
    expect(readConfig({ ...good, BERTH_OWNER: undefined }).owner).toBe('work');
    expect(readConfig({ ...good, BERTH_OWNER: 'a b;rm' }).owner).toBe('work');
  });
});
