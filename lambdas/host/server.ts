/** One Node HTTP server: the API (Hono) and the session proxy side by side, as API Gateway + ALB on AWS. */
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { BerthApp } from '../api/app.ts';
import { SESSION_PATH, type SessionProxy } from './proxy.ts';

export function createHostServer(app: BerthApp, proxy: SessionProxy): Server {
  const api = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    if (SESSION_PATH.test(req.url ?? '')) proxy.web(req, res);
    else void api(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (SESSION_PATH.test(req.url ?? '')) proxy.upgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return server;
}
