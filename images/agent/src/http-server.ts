/**
 * The agent's HTTP server on :8080, the only HTTP entry into the session: health, activity for
 * the control plane, and the two apps behind the session cookie.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { APP_NAMES, type AppName } from '../../../lambdas/core/apps.ts';
import type { ActivityTracker } from './activity.ts';
import { type AppGate, isActivityCallerAuthorized } from './auth.ts';
import { errorMessage, log } from './log.ts';
import { refuseUpgrade, sendProblem } from './problem.ts';
import type { JupyterProxy } from './proxy.ts';
import type { TerminalService } from './terminal.ts';
import type { TerminalPage } from './terminal-page.ts';

export const HEALTH_PATH = '/healthz';
export const ACTIVITY_PATH = '/_berth/activity';
const TERMINAL_SOCKET = 'ws';

export type Route =
  | { kind: 'health' }
  | { kind: 'activity' }
  | { kind: 'app'; app: AppName; rest: string }
  | { kind: 'add-slash'; location: string }
  | { kind: 'not-found' };

export function route(url: string, basePath: string): Route {
  const parsed = new URL(url, 'http://agent.invalid');
  const path = parsed.pathname;
  if (path === HEALTH_PATH) return { kind: 'health' };
  if (path === ACTIVITY_PATH) return { kind: 'activity' };
  for (const app of APP_NAMES) {
    const root = `${basePath}/${app}`;
    if (path === root) return { kind: 'add-slash', location: `${root}/${parsed.search}` };
    if (path.startsWith(`${root}/`)) return { kind: 'app', app, rest: path.slice(root.length + 1) };
  }
  return { kind: 'not-found' };
}

/**
 * Cross-site WebSocket hijacking guard for the terminal (Jupyter has its own): a browser always
 * sends Origin on a WebSocket handshake, and SameSite=Lax still sends the cookie from a sibling
 * origin of the same site (another session's own origin). Clients that are not browsers send no
 * Origin; the cookie alone gates them.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** The browser's own scheme, as the ALB or the host proxy in front of the agent reports it. */
function reachedOverHttps(request: IncomingMessage): boolean {
  const header = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first === 'https';
}

export interface AgentServerParts {
  basePath: string;
  appSecret: string;
  gate: AppGate;
  activity: ActivityTracker;
  jupyter: JupyterProxy;
  terminal: TerminalService;
  terminalPage: TerminalPage;
  isHealthy: () => Promise<boolean>;
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

export function createAgentServer(parts: AgentServerParts): Server {
  const { basePath, appSecret, gate, activity } = parts;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = route(request.url ?? '/', basePath);
    switch (target.kind) {
      case 'health': {
        const healthy = await parts.isHealthy();
        sendJson(response, healthy ? 200 : 503, { ok: healthy });
        return;
      }
      case 'activity':
        if (!isActivityCallerAuthorized(request.headers.authorization, appSecret)) {
          response.setHeader('www-authenticate', 'Bearer');
          sendProblem(response, 401, 'Activity needs the session activity credential.');
          return;
        }
        sendJson(response, 200, activity.report());
        return;
      case 'add-slash':
        response.writeHead(302, { location: target.location, 'cache-control': 'no-store' });
        response.end();
        return;
      case 'not-found':
        sendProblem(response, 404, 'Nothing is served at this path.');
        return;
      case 'app':
        break;
    }

    const decision = gate.decide({
      url: request.url ?? '/',
      cookieHeader: request.headers.cookie,
      secure: reachedOverHttps(request),
      upgrade: false,
    });
    if (decision.kind === 'deny') {
      log.info('app-access-denied', { app: target.app, status: decision.status, reason: decision.detail });
      sendProblem(response, decision.status, decision.detail);
      return;
    }
    if (decision.kind === 'redirect') {
      log.info('app-launched', { app: target.app });
      response.writeHead(302, {
        location: decision.location,
        'set-cookie': decision.setCookie,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      response.end();
      return;
    }

    response.once('close', activity.openConnection());
    if (target.app === 'jupyter') {
      parts.jupyter.web(request, response);
    } else if (target.rest === TERMINAL_SOCKET) {
      sendProblem(response, 426, 'The terminal socket speaks WebSocket only.');
    } else {
      parts.terminalPage.serve(target.rest, request.method, response);
    }
  };

  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => log.debug('upgrade-socket-error', { error: errorMessage(err) }));
    const target = route(request.url ?? '/', basePath);
    if (target.kind !== 'app') {
      refuseUpgrade(socket, 404, 'Nothing is served at this path.');
      return;
    }
    const decision = gate.decide({
      url: request.url ?? '/',
      cookieHeader: request.headers.cookie,
      secure: reachedOverHttps(request),
      upgrade: true,
    });
    if (decision.kind !== 'allow') {
      const status = decision.kind === 'deny' ? decision.status : 401;
      log.info('app-access-denied', { app: target.app, status, upgrade: true });
      refuseUpgrade(socket, status, decision.kind === 'deny' ? decision.detail : 'no session cookie');
      return;
    }
    if (target.app === 'jupyter') {
      parts.jupyter.ws(request, socket, head);
    } else if (target.rest !== TERMINAL_SOCKET) {
      refuseUpgrade(socket, 404, 'The terminal socket is at ws.');
    } else if (!isSameOrigin(request.headers.origin, request.headers.host)) {
      log.info('app-access-denied', { app: target.app, status: 403, reason: 'cross-origin WebSocket' });
      refuseUpgrade(socket, 403, 'The terminal only accepts WebSockets from its own origin.');
    } else {
      parts.terminal.handleUpgrade(request, socket, head);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      log.error('request-failed', { error: errorMessage(err) });
      if (!response.headersSent) sendProblem(response, 500, 'The agent failed to answer.');
      else response.destroy();
    });
  });
  server.on('upgrade', handleUpgrade);
  // Longer than the ALB's 60 s idle timeout, so the agent never closes a connection the ALB is
  // about to reuse (which the browser would see as a 502).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
