/**
 * HTTP and WebSocket proxy to Jupyter on loopback. The browser's Host and Origin are kept
 * (no changeOrigin), which is what Jupyter's WebSocket origin check compares.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { cookieName } from '../../../lambdas/core/app-token.ts';
import type { ActivityTracker } from './activity.ts';
import { PORTS } from './config.ts';
import { errorMessage, log } from './log.ts';
import { sendProblem } from './problem.ts';

/** Removes the agent's own cookie so Jupyter (and code the user runs there) never sees it. */
export function withoutCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const kept = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.slice(0, part.indexOf('=')).trim() !== name);
  return kept.length > 0 ? kept.join('; ') : undefined;
}

export interface JupyterProxy {
  web(request: IncomingMessage, response: ServerResponse): void;
  ws(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createJupyterProxy(sessionId: string, activity: ActivityTracker): JupyterProxy {
  const proxy = createProxyServer({
    target: { host: '127.0.0.1', port: PORTS.jupyter },
    ws: true,
    xfwd: true,
  });
  const ownCookie = cookieName(sessionId);

  const stripCookie = (proxyRequest: ClientRequest) => {
    const header = proxyRequest.getHeader('cookie');
    const cleaned = withoutCookie(typeof header === 'string' ? header : undefined, ownCookie);
    if (cleaned === undefined) proxyRequest.removeHeader('cookie');
    else proxyRequest.setHeader('cookie', cleaned);
  };
  proxy.on('proxyReq', (proxyRequest) => stripCookie(proxyRequest));
  proxy.on('proxyReqWs', (proxyRequest) => stripCookie(proxyRequest));

  // Watched on Jupyter's side only: reading the browser's socket here could take data before
  // the proxy pipes it. Every message a browser sends a kernel is answered, so this side sees
  // each exchange.
  proxy.on('open', (jupyterSocket) => {
    jupyterSocket.on('data', () => activity.touch());
  });

  proxy.on('error', (err, _request, target) => {
    log.warn('jupyter-proxy-error', { error: errorMessage(err) });
    if ('writeHead' in target) {
      if (!target.headersSent) sendProblem(target, 502, 'Jupyter is not answering yet; retry in a moment.');
      else target.end();
    } else {
      target.destroy();
    }
  });

  return {
    web(request, response) {
      activity.touch();
      proxy.web(request, response);
    },
    ws(request, socket, head) {
      const release = activity.openConnection();
      socket.once('close', release);
      proxy.ws(request, socket, head);
    },
  };
}
