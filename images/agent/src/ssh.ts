/**
 * OpenSSH as the unprivileged user `work`. A non-root sshd can only ever log in the user it runs
 * as, which is exactly the one account a session has, and a bug in it cannot reach root.
 */
import { execFile } from 'node:child_process';
import { access, chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SupervisedChild, workEnvironment } from './children.ts';
import type { AgentConfig } from './config.ts';
import { PATHS, PORTS, WORK_USER } from './config.ts';
import { log } from './log.ts';
import type { ProcessInfo } from './proc.ts';

const run = promisify(execFile);

const HOST_KEY_TYPES = ['ed25519', 'ecdsa', 'rsa'] as const;

export const SESSION_KEY_FILE = join(PATHS.runDir, 'authorized_keys');
const SSHD_CONFIG_FILE = join(PATHS.runDir, 'sshd_config');

export interface SshdSettings {
  port: number;
  user: string;
  hostKeys: readonly string[];
  /** root-owned file with the session's key; the user's own ~/.ssh/authorized_keys still counts */
  sessionKeysFile: string;
  pidFile: string;
}

export function renderSshdConfig(settings: SshdSettings): string {
  return [
    '# Written by the Berth agent at every start; changes here are lost.',
    `Port ${settings.port}`,
    ...settings.hostKeys.map((key) => `HostKey ${key}`),
    `PidFile ${settings.pidFile}`,
    `AllowUsers ${settings.user}`,
    'PermitRootLogin no',
    'PubkeyAuthentication yes',
    'AuthenticationMethods publickey',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'PermitEmptyPasswords no',
    'GSSAPIAuthentication no',
    // PAM needs root; without it sshd uses its own checks, which suffice for keys only.
    'UsePAM no',
    // Ownership and mode checks on the key files: the home is prepared so they pass.
    'StrictModes yes',
    `AuthorizedKeysFile ${settings.sessionKeysFile} .ssh/authorized_keys`,
    'PermitUserEnvironment no',
    // Users tunnel editors and notebooks through SSH; X11 has no display to forward.
    'AllowTcpForwarding yes',
    'X11Forwarding no',
    // Runs in-process, so it needs no helper binary and works as a non-root sshd.
    'Subsystem sftp internal-sftp',
    'LoginGraceTime 30',
    'MaxAuthTries 6',
    'ClientAliveInterval 30',
    'ClientAliveCountMax 4',
    'UseDNS no',
    'PrintMotd no',
    // A non-root sshd cannot write lastlog/wtmp; asking only produces errors.
    'PrintLastLog no',
    'AcceptEnv LANG LC_*',
    'LogLevel INFO',
    '',
  ].join('\n');
}

/**
 * Host keys are made once per container and kept in its filesystem, so `docker stop`/`start`
 * keeps the fingerprint users accepted. They belong to `work` because sshd reads them as `work`.
 */
async function ensureHostKeys(dir: string): Promise<string[]> {
  // Made one level at a time: a recursive mkdir would give the parents mode 0700 as well, and
  // `work` could not reach its own keys.
  await mkdir(dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths: string[] = [];
  for (const type of HOST_KEY_TYPES) {
    const path = join(dir, `ssh_host_${type}_key`);
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `berth-host-${type}`, '-f', path]);
      log.info('ssh-host-key-created', { type });
    }
    await chown(path, WORK_USER.uid, WORK_USER.gid);
    await chmod(path, 0o600);
    paths.push(path);
  }
  await chown(dir, WORK_USER.uid, WORK_USER.gid);
  await chmod(dir, 0o700);
  return paths;
}

export async function startSshd(config: AgentConfig): Promise<SupervisedChild> {
  const hostKeys = await ensureHostKeys(PATHS.hostKeyDir);

  // root-owned and not writable by `work`, as StrictModes requires of every directory on the way.
  await mkdir(PATHS.runDir, { recursive: true, mode: 0o755 });
  await writeFile(SESSION_KEY_FILE, `${config.sshPublicKey}\n`, { mode: 0o644 });
  await chmod(SESSION_KEY_FILE, 0o644);

  await mkdir(PATHS.sshdRunDir, { recursive: true, mode: 0o700 });
  await chown(PATHS.sshdRunDir, WORK_USER.uid, WORK_USER.gid);

  const settings: SshdSettings = {
    port: PORTS.ssh,
    user: WORK_USER.name,
    hostKeys,
    sessionKeysFile: SESSION_KEY_FILE,
    pidFile: join(PATHS.sshdRunDir, 'sshd.pid'),
  };
  await writeFile(SSHD_CONFIG_FILE, renderSshdConfig(settings), { mode: 0o644 });

  const sshd = new SupervisedChild({
    name: 'sshd',
    command: '/usr/sbin/sshd',
    args: ['-D', '-e', '-f', SSHD_CONFIG_FILE],
    env: workEnvironment(config),
    cwd: WORK_USER.home,
  });
  sshd.start();
  return sshd;
}

/**
 * Open SSH connections: the listener forks one monitor per connection, titled `sshd: [accepted]`
 * until the user has authenticated and `sshd: work [priv]` after. Only the latter count: a port
 * scan or a failed login is not the user working.
 */
export function countSshConnections(
  processes: readonly ProcessInfo[],
  listenerPid: number | undefined,
): number {
  if (listenerPid === undefined) return 0;
  return processes.filter((p) => p.ppid === listenerPid && /^sshd: \S+ \[priv\]$/.test(p.cmdline)).length;
}
