/**
 * The single host's ALB: `/s/{sessionId}/…` (HTTP and WebSocket) goes to that session's agent,
 * which checks the app token/cookie itself. The control plane only routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { PROBLEM_BASE } from '../api/problem.ts';
import { SESSION_ID_PATTERN } from '../core/ids.ts';
import type { Endpoint } from '../core/model.ts';

export const SESSION_PATH = /^\/s\/([^/?#]+)(?:[/?#]|$)/;

export function sessionIdOf(url: string | undefined): string | undefined {
  const match = url?.match(SESSION_PATH);
  return match?.[1];
}

function problemBody(status: number, type: string, title: string, detail: string): string {
  return JSON.stringify({ type: `${PROBLEM_BASE}${type}`, title, status, detail });
}

export class SessionProxy {
  private readonly proxy = createProxyServer({ ws: true, xfwd: true });

  constructor(private readonly route: (sessionId: string) => Endpoint | undefined) {
    this.proxy.on('error', (_error, _req, res) => {
      const body = problemBody(
        502,
        'session-unreachable',
        'Session unreachable',
        'The session did not answer.',
      );
      if ('writeHead' in res && !res.headersSent) {
        res.writeHead(502, { 'Content-Type': 'application/problem+json' }).end(body);
      } else {
        res.destroy();
      }
    });
  }

  private target(url: string | undefined): { target?: string; status?: number; body?: string } {
    const id = sessionIdOf(url);
    if (!id || !SESSION_ID_PATTERN.test(id)) {
      return { status: 404, body: problemBody(404, 'not-found', 'Not found', 'No such session.') };
    }
    const endpoint = this.route(id);
    if (!endpoint) {
      return {
        status: 404,
        body: problemBody(
          404,
          'session-not-running',
          'Session not running',
          `Session ${id} is not running here.`,
        ),
      };
    }
    return { target: `http://${endpoint.host}:${endpoint.port}` };
  }

  web(req: IncomingMessage, res: ServerResponse): void {
    const { target, status, body } = this.target(req.url);
    if (!target) {
      res.writeHead(status ?? 404, { 'Content-Type': 'application/problem+json' }).end(body);
      return;
    }
    this.proxy.web(req, res, { target });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { target, status } = this.target(req.url);
    if (!target) {
      socket.end(`HTTP/1.1 ${status ?? 404} Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.proxy.ws(req, socket, head, { target });
  }

  close(): void {
    this.proxy.close();
  }
}
