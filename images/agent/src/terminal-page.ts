/**
 * The static page of the `ttyd` app: xterm.js and a small client. Read into memory at start —
 * a handful of files, and serving them can then never touch the filesystem by request path.
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendProblem } from './problem.ts';

const ASSETS: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html; charset=utf-8' },
  'terminal.js': { file: 'terminal.js', type: 'text/javascript; charset=utf-8' },
  'terminal.css': { file: 'terminal.css', type: 'text/css; charset=utf-8' },
  'xterm.js': { file: 'xterm.js', type: 'text/javascript; charset=utf-8' },
  'xterm.css': { file: 'xterm.css', type: 'text/css; charset=utf-8' },
  'addon-fit.js': { file: 'addon-fit.js', type: 'text/javascript; charset=utf-8' },
};

// xterm.js adds <style> elements at run time, hence 'unsafe-inline' for styles only.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "font-src 'self'; img-src 'self' data:; base-uri 'none'";

export class TerminalPage {
  private constructor(private readonly files: Map<string, { body: Buffer; type: string }>) {}

  static async load(directory: string): Promise<TerminalPage> {
    const files = new Map<string, { body: Buffer; type: string }>();
    for (const [name, asset] of Object.entries(ASSETS)) {
      files.set(name, { body: await readFile(join(directory, asset.file)), type: asset.type });
    }
    return new TerminalPage(files);
  }

  /** `name` is the path below `{BASE_PATH}/ttyd/`. */
  serve(name: string, method: string | undefined, response: ServerResponse): void {
    const file = this.files.get(name);
    if (!file) {
      sendProblem(response, 404, 'No such terminal asset.');
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      sendProblem(response, 405, 'The terminal page is read-only.');
      return;
    }
    response.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      // Private: these answers sit behind the session cookie.
      'cache-control': name === '' ? 'no-store' : 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    response.end(method === 'HEAD' ? undefined : file.body);
  }
}
