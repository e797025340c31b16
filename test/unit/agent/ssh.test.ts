import { describe, expect, it } from 'vitest';
import { countSshConnections, renderSshdConfig } from '../../../images/agent/src/ssh.ts';

const config = renderSshdConfig({
  port: 2222,
  user: 'work',
  hostKeys: ['/var/lib/berth/ssh/ssh_host_ed25519_key', '/var/lib/berth/ssh/ssh_host_rsa_key'],
  sessionKeysFile: '/run/berth/authorized_keys',
  pidFile: '/run/berth/sshd/sshd.pid',
});
const lines = config.split('\n');
const setting = (keyword: string) =>
  lines
    .filter((line) => line.split(' ')[0]?.toLowerCase() === keyword.toLowerCase())
    .map((line) => line.slice(keyword.length + 1));

describe('sshd_config', () => {
  it('allows public keys only, for work only, never root', () => {
    expect(setting('PasswordAuthentication')).toEqual(['no']);
    expect(setting('KbdInteractiveAuthentication')).toEqual(['no']);
    expect(setting('PermitEmptyPasswords')).toEqual(['no']);
    expect(setting('PubkeyAuthentication')).toEqual(['yes']);
    expect(setting('AuthenticationMethods')).toEqual(['publickey']);
    expect(setting('PermitRootLogin')).toEqual(['no']);
    expect(setting('AllowUsers')).toEqual(['work']);
  });

  it('reads the session key and still honours the user’s own authorized_keys', () => {
    expect(setting('AuthorizedKeysFile')).toEqual(['/run/berth/authorized_keys .ssh/authorized_keys']);
    expect(setting('StrictModes')).toEqual(['yes']);
  });

  it('runs unprivileged on 2222 with in-process SFTP and its own host keys', () => {
    expect(setting('Port')).toEqual(['2222']);
    expect(setting('UsePAM')).toEqual(['no']);
    expect(setting('Subsystem')).toEqual(['sftp internal-sftp']);
    expect(setting('PidFile')).toEqual(['/run/berth/sshd/sshd.pid']);
    expect(setting('HostKey')).toEqual([
      '/var/lib/berth/ssh/ssh_host_ed25519_key',
      '/var/lib/berth/ssh/ssh_host_rsa_key',
    ]);
  });

  it('sets every keyword at most once (sshd keeps the first and ignores the rest)', () => {
    const keywords = lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split(' ')[0]?.toLowerCase());
    const repeated = keywords.filter((k, i) => k !== 'hostkey' && keywords.indexOf(k) !== i);
    expect(repeated).toEqual([]);
  });
});

describe('countSshConnections', () => {
  // Titles as a non-root OpenSSH 9.2 sets them (seen with ps in the workspace image).
  const processes = [
    {
      pid: 10,
      ppid: 7,
      cmdline: 'sshd: /usr/sbin/sshd -D -e -f /run/berth/sshd_config [listener] 0 of 10-100 startups',
    },
    { pid: 20, ppid: 10, cmdline: 'sshd: work [priv]' },
    { pid: 21, ppid: 20, cmdline: 'sshd: work@notty' },
    { pid: 22, ppid: 21, cmdline: 'sleep 6' },
    { pid: 30, ppid: 10, cmdline: 'sshd: work [priv]' },
    { pid: 40, ppid: 10, cmdline: 'sshd: [accepted]' },
    { pid: 41, ppid: 40, cmdline: 'sshd: [net]' },
    { pid: 50, ppid: 7, cmdline: 'sshd: work [priv]' },
  ];

  it('counts the listener’s authenticated children only', () => {
    expect(countSshConnections(processes, 10)).toBe(2);
  });

  it('counts nothing while sshd is not running', () => {
    expect(countSshConnections(processes, undefined)).toBe(0);
  });
});
