/**
 * The `berth` commands, close to Backend.AI's client: `start -t NAME [IMAGE]`, `ls`, `info`,
 * `stop`, `rm`, `download-key`, `ssh`, `app`, `settings`, `users`. Each returns its output
 * lines so tests can check them without a terminal.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BerthClient, SessionView } from './client.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: berth <command> [options]

sessions
  start -t NAME [IMAGE] [--cpu N] [--memory MiB] [--rsa] [--no-wait]
                              start a new session (or start a stopped one again)
  ls [--all]                  your sessions (admins: --all for everyone's)
  info NAME                   one session
  stop NAME                   stop it (home and SSH port are kept)
  rm NAME                     delete it (home is kept)
  download-key NAME [--ppk] [-o FILE]
                              save the session's private key (id_container)
  ssh NAME [-- COMMAND...]    log in with the session's key
  app NAME jupyter|ttyd       print a single-use link that opens the app in a browser

you and users
  settings [--ssh-port PORT|none]   show or change your preferred SSH port
  users ls | users create NAME [--admin] | users rm ID   (admin)

environment: BERTH_URL (default http://127.0.0.1:8080), BERTH_API_KEY`;

type Out = string[];

function table(rows: string[][]): Out {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function describe(s: SessionView): Out {
  return [
    `name:      ${s.name}`,
    `id:        ${s.id}`,
    `status:    ${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}`,
    `image:     ${s.image}`,
    `resources: ${s.resources.cpu} CPU, ${s.resources.memoryMiB} MiB`,
    `ssh:       ${s.ssh.port ? `ssh -p ${s.ssh.port} ${s.ssh.user}@${s.ssh.host}` : '(no port while failed)'}`,
  ];
}

const enc = encodeURIComponent;

async function waitUntilSettled(client: BerthClient, name: string, timeoutMs: number): Promise<SessionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await client.json<SessionView>('GET', `/v1/sessions/${enc(name)}`);
    if (s.status === 'RUNNING' || s.status === 'FAILED' || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function keyPath(name: string): string {
  return path.join(homedir(), '.cache', 'berth', 'keys', `id_container_${name}`);
}

async function saveKey(client: BerthClient, name: string, file: string, ppk = false): Promise<string> {
  const res = await client.request('GET', `/v1/sessions/${enc(name)}/ssh-key${ppk ? '?format=ppk' : ''}`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, await res.text(), { mode: 0o600 });
  return file;
}

export async function run(client: BerthClient, argv: string[]): Promise<Out> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          t: { type: 'string' },
          cpu: { type: 'string' },
          memory: { type: 'string' },
          rsa: { type: 'boolean' },
          'no-wait': { type: 'boolean' },
        },
      });
      const name = values.t;
      if (!name) throw new UsageError('start needs a session name: berth start -t NAME [IMAGE]');
      const existing = await client.request('GET', `/v1/sessions/${enc(name)}`).catch(() => undefined);
      if (existing) {
        await client.json('POST', `/v1/sessions/${enc(name)}/start`);
      } else {
        const resources = {
          ...(values.cpu ? { cpu: Number(values.cpu) } : {}),
          ...(values.memory ? { memoryMiB: Number(values.memory) } : {}),
        };
        await client.json('POST', '/v1/sessions', {
          name,
          ...(positionals[0] ? { image: positionals[0] } : {}),
          ...(Object.keys(resources).length ? { resources } : {}),
          ...(values.rsa ? { sshKeyType: 'rsa' } : {}),
        });
      }
      const session = values['no-wait']
        ? await client.json<SessionView>('GET', `/v1/sessions/${enc(name)}`)
        : await waitUntilSettled(client, name, 300_000);
      return describe(session);
    }
    case 'ls': {
      const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean' } } });
      const { sessions } = await client.json<{ sessions: SessionView[] }>(
        'GET',
        `/v1/sessions${values.all ? '?all=true' : ''}`,
      );
      return table([
        ['NAME', 'ID', 'STATUS', 'SSH PORT', 'OWNER'],
        ...sessions.map((s) => [s.name, s.id, s.status, String(s.ssh.port ?? '-'), s.owner.name]),
      ]);
    }
    case 'info':
    case 'stop':
    case 'rm': {
      const name = rest[0];
      if (!name) throw new UsageError(`${command} needs a session name`);
      if (command === 'info')
        return describe(await client.json<SessionView>('GET', `/v1/sessions/${enc(name)}`));
      if (command === 'stop') {
        const s = await client.json<SessionView>('POST', `/v1/sessions/${enc(name)}/stop`);
        return [`${s.name}: ${s.status}`];
      }
      await client.request('DELETE', `/v1/sessions/${enc(name)}`);
      return [`${name}: deleted (your home is kept)`];
    }
    case 'download-key': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { ppk: { type: 'boolean' }, o: { type: 'string' } },
      });
      const name = positionals[0];
      if (!name) throw new UsageError('download-key needs a session name');
      const file = values.o ?? (values.ppk ? 'id_container.ppk' : 'id_container');
      return [`saved ${await saveKey(client, name, file, values.ppk)}`];
    }
    case 'ssh': {
      const name = rest[0];
      if (!name) throw new UsageError('ssh needs a session name');
      const command_ = rest.slice(1).filter((a, i) => !(i === 0 && a === '--'));
      const s = await client.json<SessionView>('GET', `/v1/sessions/${enc(name)}`);
      if (s.status !== 'RUNNING' || !s.ssh.port)
        throw new UsageError(`${name} is ${s.status}; start it first`);
      const key = await saveKey(client, name, keyPath(name));
      const args = [
        '-i',
        key,
        '-p',
        String(s.ssh.port),
        '-o',
        'IdentitiesOnly=yes',
        `${s.ssh.user}@${s.ssh.host}`,
      ];
      const code = await new Promise<number>((resolve) => {
        spawn('ssh', [...args, ...command_], { stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1));
      });
      if (code !== 0) process.exitCode = code;
      return [];
    }
    case 'app': {
      const [name, app] = rest;
      if (!name || (app !== 'jupyter' && app !== 'ttyd'))
        throw new UsageError('usage: berth app NAME jupyter|ttyd');
      const { url } = await client.json<{ url: string }>('POST', `/v1/sessions/${enc(name)}/apps/${app}`);
      return [url];
    }
    case 'settings': {
      const { values } = parseArgs({ args: rest, options: { 'ssh-port': { type: 'string' } } });
      const port = values['ssh-port'];
      const me =
        port === undefined
          ? await client.json<{ settings: { preferredSshPort?: number } }>('GET', '/v1/me')
          : await client.json<{ settings: { preferredSshPort?: number } }>('PATCH', '/v1/me/settings', {
              preferredSshPort: port === 'none' ? null : Number(port),
            });
      return [`preferred SSH port: ${me.settings.preferredSshPort ?? 'none (random)'}`];
    }
    case 'users': {
      const [sub, ...args] = rest;
      if (sub === 'ls') {
        const { users } = await client.json<{ users: { id: string; name: string; role: string }[] }>(
          'GET',
          '/v1/users',
        );
        return table([['NAME', 'ID', 'ROLE'], ...users.map((u) => [u.name, u.id, u.role])]);
      }
      if (sub === 'create') {
        const { values, positionals } = parseArgs({
          args,
          allowPositionals: true,
          options: { admin: { type: 'boolean' } },
        });
        if (!positionals[0]) throw new UsageError('usage: berth users create NAME [--admin]');
        const { user, apiKey } = await client.json<{ user: { id: string; name: string }; apiKey: string }>(
          'POST',
          '/v1/users',
          { name: positionals[0], ...(values.admin ? { role: 'admin' } : {}) },
        );
        return [`created ${user.name} (${user.id})`, `API key (shown once): ${apiKey}`];
      }
      if (sub === 'rm' && args[0]) {
        await client.request('DELETE', `/v1/users/${enc(args[0])}`);
        return [`deleted ${args[0]}`];
      }
      throw new UsageError('usage: berth users ls | users create NAME [--admin] | users rm ID');
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return [USAGE];
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}
