/**
 * Everything the agent reads from its environment, read and checked once at start-up. A missing
 * or malformed variable stops the agent with one message naming every problem, so a broken task
 * definition shows up in the first log line instead of as a half-working session.
 */

export interface AgentConfig {
  sessionId: string;
  appSecret: string;
  /** one OpenSSH public key line */
  sshPublicKey: string;
  /** '' or '/s/{sessionId}' — never with a trailing slash */
  basePath: string;
  owner: string;
}

/** The one unprivileged account every user-facing process runs as. */
export const WORK_USER = {
  name: 'work',
  uid: 1000,
  gid: 1000,
  home: '/home/work',
  shell: '/bin/bash',
} as const;

export const PORTS = { ssh: 2222, http: 8080, jupyter: 8888 } as const;

export const PATHS = {
  /** root-owned; holds files sshd reads but `work` must not change (the session key) */
  runDir: '/run/berth',
  /** owned by `work`; sshd runs as `work` and writes its pid file here */
  sshdRunDir: '/run/berth/sshd',
  /** container filesystem, so host keys survive `docker stop`/`start` of the same container */
  hostKeyDir: '/var/lib/berth/ssh',
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Loose on purpose: the control plane owns the exact id format (`s-` + base32); the agent only
// needs something safe to put in a URL path and a cookie name.
const SESSION_ID = /^s-[a-z0-9]{1,64}$/;
const HEX_SECRET = /^[0-9a-f]{64}$/;
const SSH_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const PATH_PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;
const OWNER = /^[A-Za-z0-9._@-]{1,64}$/;

export function readConfig(env: Readonly<Record<string, string | undefined>>): AgentConfig {
  const problems: string[] = [];

  const sessionId = env.BERTH_SESSION_ID ?? '';
  if (!SESSION_ID.test(sessionId)) problems.push('BERTH_SESSION_ID must look like s-abc123');

  const appSecret = env.BERTH_APP_SECRET ?? '';
  if (!HEX_SECRET.test(appSecret)) problems.push('BERTH_APP_SECRET must be 64 lowercase hex characters');

  // A newline would let the value add a second authorized_keys line with options of its own.
  const sshPublicKey = (env.BERTH_SSH_PUBLIC_KEY ?? '').trim();
  if (!SSH_KEY.test(sshPublicKey)) problems.push('BERTH_SSH_PUBLIC_KEY must be one OpenSSH public key line');

  const basePath = (env.BERTH_BASE_PATH ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !PATH_PREFIX.test(basePath)) {
    problems.push('BERTH_BASE_PATH must be empty or a path like /s/{sessionId}');
  }

  const rawOwner = env.BERTH_OWNER ?? '';
  const owner = OWNER.test(rawOwner) ? rawOwner : WORK_USER.name;

  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  return { sessionId, appSecret, sshPublicKey, basePath, owner };
}
