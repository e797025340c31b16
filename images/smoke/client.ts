/**
 * The HTTP, WebSocket and activity half of images/smoke.sh: talks to one running workspace
 * container the way the control plane and a browser would, and exits non-zero on the first
 * broken promise of docs/agent-contract.md. Run with tsx from the repository root.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { activityCredential, cookieName, mintAppToken } from '../../lambdas/core/app-token.ts';

const port = Number(process.env.SMOKE_HTTP_PORT);
const sshPort = Number(process.env.SMOKE_SSH_PORT);
const sshKey = process.env.SMOKE_SSH_KEY ?? '';
const secret = process.env.SMOKE_SECRET ?? '';
const sessionId = process.env.SMOKE_SESSION_ID ?? '';
const base = process.env.SMOKE_BASE_PATH ?? '';
// Not localhost: proves Jupyter accepts the browser's Host as the proxy passes it through.
const host = 'berth.example.test:8443';
const origin = `http://${host}`;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { host, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let failures = 0;
function check(what: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail && !ok ? ` — ${detail}` : ''}`);
  if (!ok) failures += 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(500);
  }
  check(what, false, `not within ${timeoutMs} ms`);
  return undefined;
}

const launchToken = (sid = sessionId) =>
  mintAppToken(secret, { sid, kind: 'launch', app: 'jupyter', ttlSeconds: 120 });

async function activity(): Promise<Record<string, unknown>> {
  const answer = await call('GET', '/_berth/activity', {
    authorization: `Bearer ${activityCredential(secret)}`,
  });
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** Opens a WebSocket and collects what arrives. */
function openSocket(path: string, options: { cookie?: string; protocols?: string[] }) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, options.protocols ?? [], {
    headers: { host, origin, ...(options.cookie ? { cookie: options.cookie } : {}) },
  });
  const received: Buffer[] = [];
  ws.on('message', (data) => received.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)));
  const opened = new Promise<number | undefined>((resolve) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('error', () => resolve(undefined));
  });
  return { ws, received, opened };
}

async function main(): Promise<void> {
  const health = await call('GET', '/healthz');
  check(
    'GET /healthz is 200 {"ok":true}',
    health.status === 200 && health.body === '{"ok":true}',
    health.body,
  );

  const status = `${base}/jupyter/api/status`;
  const anonymous = await call('GET', status);
  check(
    'no credential → 401 problem+json',
    anonymous.status === 401 && anonymous.headers['content-type'] === 'application/problem+json',
    `${anonymous.status} ${anonymous.headers['content-type']}`,
  );

  const foreign = await call('GET', `${status}?berth_token=${launchToken('s-someoneelse')}`);
  check('launch token of another session → 403', foreign.status === 403, String(foreign.status));

  const token = launchToken();
  const launched = await call('GET', `${status}?berth_token=${token}`);
  const setCookie = launched.headers['set-cookie']?.[0] ?? '';
  check(
    'launch token → 302 to the clean URL',
    launched.status === 302 && launched.headers.location === status,
    `${launched.status} ${launched.headers.location}`,
  );
  check(
    'cookie is HttpOnly, SameSite=Lax, scoped to the session',
    setCookie.startsWith(`${cookieName(sessionId)}=`) &&
      setCookie.includes(`Path=${base}/`) &&
      setCookie.includes('HttpOnly') &&
      setCookie.includes('SameSite=Lax'),
    setCookie.replace(/=[^;]+/, '=…'),
  );
  const cookie = setCookie.split(';')[0] ?? '';

  const jupyterStatus = await call('GET', status, { cookie });
  check(
    'cookie → Jupyter /api/status 200 JSON',
    jupyterStatus.status === 200 && 'started' in (JSON.parse(jupyterStatus.body) as object),
    `${jupyterStatus.status} ${jupyterStatus.body.slice(0, 120)}`,
  );

  const reused = await call('GET', `${status}?berth_token=${token}`);
  check('second use of the launch token → 401', reused.status === 401, String(reused.status));

  // Jupyter over HTTP (XSRF) and WebSocket (origin check) through the agent.
  const tree = await call('GET', `${base}/jupyter/tree`, { cookie });
  const xsrf =
    (tree.headers['set-cookie'] ?? []).map((c) => /^_xsrf=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
  check(
    'Jupyter tree page 200 with an _xsrf cookie',
    tree.status === 200 && xsrf !== '',
    String(tree.status),
  );
  const kernel = await call(
    'POST',
    `${base}/jupyter/api/kernels`,
    { cookie: `${cookie}; _xsrf=${xsrf}`, 'x-xsrftoken': xsrf, 'content-type': 'application/json' },
    '{}',
  );
  const kernelId = kernel.status === 201 ? (JSON.parse(kernel.body) as { id: string }).id : '';
  check('start a kernel through the proxy', kernelId !== '', `${kernel.status} ${kernel.body.slice(0, 200)}`);
  if (kernelId) await kernelRoundTrip(kernelId, cookie);

  await terminalChecks(cookie);

  const page = await call('GET', `${base}/ttyd/`, { cookie });
  check(
    'terminal page is served',
    page.status === 200 && page.body.includes('src="xterm.js"'),
    String(page.status),
  );
  const asset = await call('GET', `${base}/ttyd/xterm.js`, { cookie });
  check('xterm.js is served', asset.status === 200 && asset.body.length > 100_000, String(asset.status));

  const refused = await call('GET', '/_berth/activity');
  check('activity without credential → 401', refused.status === 401, String(refused.status));
  const report = await activity();
  check(
    'activity with credential → report',
    typeof report.lastActivityAt === 'string' &&
      Date.now() - Date.parse(report.lastActivityAt) < 60_000 &&
      ['sshConnections', 'httpConnections', 'kernelsBusy', 'cpuPercent'].every(
        (k) => typeof report[k] === 'number',
      ),
    JSON.stringify(report),
  );

  await sshActivityCheck();
}

async function kernelRoundTrip(kernelId: string, cookie: string): Promise<void> {
  const socket = openSocket(`${base}/jupyter/api/kernels/${kernelId}/channels`, { cookie });
  check('kernel WebSocket opens through the proxy', (await socket.opened) === 101);
  const execute = (code: string) => {
    const msgId = `smoke-${Math.random().toString(36).slice(2)}`;
    socket.ws.send(
      JSON.stringify({
        header: {
          msg_id: msgId,
          msg_type: 'execute_request',
          username: 'smoke',
          session: 'smoke',
          version: '5.3',
        },
        parent_header: {},
        metadata: {},
        content: { code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false },
        channel: 'shell',
      }),
    );
  };
  execute('print(6 * 7)');
  const printed = await waitFor(
    'kernel prints 42',
    async () => (socket.received.some((m) => /"text": ?"42\\n"/.test(m.toString('utf8'))) ? true : undefined),
    30_000,
  );
  if (printed) check('kernel prints 42', true);

  execute('import time; time.sleep(12)');
  const busy = await waitFor(
    'activity sees the busy kernel',
    async () => ((await activity()).kernelsBusy === 1 ? true : undefined),
    12_000,
  );
  if (busy) check('activity sees the busy kernel', true);
  socket.ws.close();
}

async function terminalChecks(cookie: string): Promise<void> {
  const path = `${base}/ttyd/ws`;
  const unauthenticated = openSocket(path, { protocols: ['tty'] });
  check('terminal WebSocket without cookie → 401', (await unauthenticated.opened) === 401);

  const first = openSocket(path, { cookie, protocols: ['tty'] });
  check('terminal WebSocket opens', (await first.opened) === 101);
  check('server picks subprotocol tty', first.ws.protocol === 'tty', first.ws.protocol);
  first.ws.send(Buffer.from(JSON.stringify({ AuthToken: '', columns: 100, rows: 30 })));
  const output = (socket: typeof first) =>
    socket.received
      .filter((m) => m[0] === 0x30)
      .map((m) => m.subarray(1).toString('utf8'))
      .join('');
  await sleep(300);
  first.ws.send(Buffer.from('0echo berth-$((40+2))\r'));
  const echoed = await waitFor(
    'terminal echoes berth-42',
    async () => (output(first).includes('berth-42') ? true : undefined),
    15_000,
  );
  if (echoed) check('terminal echoes berth-42', true);
  check(
    'terminal sent its title',
    first.received.some((m) => m[0] === 0x31),
  );
  first.ws.send(Buffer.from('0MARK=mark-$((42*2))\r'));
  await sleep(500);
  first.ws.close();
  await sleep(500);

  const second = openSocket(path, { cookie, protocols: ['tty'] });
  await second.opened;
  second.ws.send(Buffer.from(JSON.stringify({ AuthToken: '', columns: 100, rows: 30 })));
  await sleep(500);
  second.ws.send(Buffer.from('0echo "$MARK"\r'));
  const same = await waitFor(
    'reconnect reattaches to the same tmux session',
    async () => (output(second).includes('mark-84') ? true : undefined),
    15_000,
  );
  if (same) check('reconnect reattaches to the same tmux session', true);
  second.ws.close();
}

async function sshActivityCheck(): Promise<void> {
  const ssh = spawn(
    'ssh',
    [
      '-i',
      sshKey,
      '-p',
      String(sshPort),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      'work@127.0.0.1',
      'sleep 15',
    ],
    { stdio: 'ignore' },
  );
  const seen = await waitFor(
    'activity counts the open SSH connection',
    async () => (((await activity()).sshConnections as number) >= 1 ? true : undefined),
    12_000,
  );
  if (seen) check('activity counts the open SSH connection', true);
  ssh.kill();
}

main()
  .catch((err: unknown) => {
    check('smoke client ran to the end', false, err instanceof Error ? err.stack : String(err));
  })
  .finally(() => {
    console.log(
      failures === 0 ? 'smoke client: all checks passed' : `smoke client: ${failures} check(s) failed`,
    );
    process.exit(failures === 0 ? 0 : 1);
  });
