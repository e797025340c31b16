/**
 * The web console on one host: web/dist (built with Vite from web/) served as static files next to
 * the API, as S3 + CloudFront do on AWS. `npm start` builds it when it is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { type Progress, REPO_ROOT } from './bootstrap.ts';

export const CONSOLE_SOURCE = path.join(REPO_ROOT, 'web');
export const CONSOLE_DIST = path.join(CONSOLE_SOURCE, 'dist');

/** The API, its document and the session proxy own these; everything else GET is the console's. */
const NOT_CONSOLE = /^\/(?:v1(?:[/?#]|$)|openapi\.json(?:[?#]|$)|s\/)/;

export function isConsoleRequest(method: string | undefined, url: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && !NOT_CONSOLE.test(url ?? '/');
}

/** Builds web/ into web/dist with Vite (a dev dependency, so loaded only when needed). */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: CONSOLE_SOURCE,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

export async function ensureConsole(progress: Progress, outDir = CONSOLE_DIST): Promise<void> {
  if (existsSync(path.join(outDir, 'index.html'))) {
    progress('console: web/dist is present');
    return;
  }
  progress('console: building web/dist...');
  const started = Date.now();
  await buildConsole(outDir);
  progress(`console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const CONSOLE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/**
 * Static files of the built console, `/` being index.html; anything else goes on to the next
 * handler (the API, which answers a problem+json 404). Hashed assets are cached for good, the page
 * itself is revalidated, so a rebuilt console is picked up on reload.
 */
export function serveConsole(root: string): MiddlewareHandler {
  const files = serveStatic({ root, index: 'index.html' });
  return async (c, next) => {
    if (!isConsoleRequest(c.req.method, c.req.path) || !existsSync(root)) return next();
    const served = await files(c, next);
    if (!(served instanceof Response)) return;
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) served.headers.set(name, value);
    served.headers.set(
      'Cache-Control',
      c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return served;
  };
}
