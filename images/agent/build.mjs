// Bundles the agent into dist/ as the image expects it: one ESM file, the terminal page's
// static files, and node-pty (a native addon, so it is copied, not bundled).
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const modules = join(here, 'node_modules');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'static'), { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(dist, 'agent.js'),
  bundle: true,
  platform: 'node',
  // Debian bookworm's nodejs runs the agent in the image.
  target: 'node18',
  format: 'esm',
  external: ['node-pty'],
  // ws and http-proxy-3 are CommonJS and call require() for Node's built-ins.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
});
await writeFile(
  join(dist, 'package.json'),
  `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`,
);

await cp(join(here, 'static'), join(dist, 'static'), { recursive: true });
for (const [from, to] of [
  ['@xterm/xterm/lib/xterm.js', 'xterm.js'],
  ['@xterm/xterm/css/xterm.css', 'xterm.css'],
  ['@xterm/addon-fit/lib/addon-fit.js', 'addon-fit.js'],
]) {
  await cp(join(modules, from), join(dist, 'static', to));
}

const pty = join(modules, 'node-pty');
const ptyOut = join(dist, 'node_modules', 'node-pty');
for (const part of ['package.json', 'LICENSE', 'lib', 'build/Release/pty.node']) {
  await cp(join(pty, part), join(ptyOut, part), { recursive: true });
}
