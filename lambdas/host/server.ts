/**
 * One Node HTTP server: the API (Hono), the web console and the session proxy side by side, as
 * API Gateway + CloudFront/S3 + ALB on AWS.
 */
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { BerthApp } from '../api/app.ts';
import { serveConsole } from './console.ts';
import { SESSION_PATH, type SessionProxy } from './proxy.ts';

export interface HostServerOptions {
  /** the built console (web/dist); without it only the API and the proxy are served */
  consoleRoot?: string;
}

export function createHostServer(
  app: BerthApp,
  proxy: SessionProxy,
  options: HostServerOptions = {},
): Server {
  const site = new Hono();
  if (options.consoleRoot) site.use('*', serveConsole(options.consoleRoot));
  site.all('*', (c) => app.fetch(c.req.raw, c.env));
  const api = getRequestListener(site.fetch);
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
