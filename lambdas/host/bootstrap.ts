/**
 * `npm start` on a fresh machine: make sure a Docker engine runs (start it, or on Debian as root
 * install it) and that the workspace image exists (built offline from Debian packages), printing a
 * progress line per step.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Progress = (line: string) => void;

/** images/base/build-base.sh makes this from Debian packages when no registry is reachable. */
const BASE_IMAGE = process.env.BERTH_BASE_IMAGE ?? 'berth-base:bookworm';

async function ping(docker: Dockerode): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

function which(command: string): string | undefined {
  const out = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/** Installs Debian packages, as root on Debian only; anywhere else says what to install. */
function aptInstall(packages: string[], why: string, progress: Progress, logFile: string): void {
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    throw new Error(
      `${why} Install ${packages.join(' ')} (Debian/Ubuntu: apt-get install ${packages.join(' ')}) and try again.`,
    );
  }
  progress(`apt: installing ${packages.join(' ')} from Debian (log: ${logFile})...`);
  const log = openSync(logFile, 'a');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const out = spawnSync('apt-get', args, {
      stdio: ['ignore', log, log],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (out.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; see ${logFile}`);
  }
}

function logsDir(dataDir: string): string {
  const dir = path.join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function ensureDocker(docker: Dockerode, dataDir: string, progress: Progress): Promise<void> {
  if (await ping(docker)) {
    progress('docker: engine is running');
    return;
  }
  const logDir = logsDir(dataDir);
  if (!which('dockerd'))
    aptInstall(['docker.io'], 'Docker is not installed.', progress, path.join(logDir, 'apt.log'));
  const dockerd = which('dockerd');
  if (!dockerd) throw new Error('dockerd is still missing after installing docker.io');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The Docker engine is installed but not running, and only root can start it: sudo dockerd &',
    );
  }
  progress(`docker: starting the engine (log: ${path.join(logDir, 'dockerd.log')})...`);
  const log = openSync(path.join(logDir, 'dockerd.log'), 'a');
  // Detached: the engine outlives this process, like a system service would.
  spawn(dockerd, [], { detached: true, stdio: ['ignore', log, log] }).unref();
  for (let i = 0; i < 60; i++) {
    if (await ping(docker)) {
      progress('docker: engine is running');
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer within 30 s; see ${path.join(logDir, 'dockerd.log')}`);
}

export async function imageExists(docker: Dockerode, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Builds the workspace image with images/build.sh (debootstrap base + Dockerfile), if absent. */
export async function ensureWorkspaceImage(
  docker: Dockerode,
  ref: string,
  dataDir: string,
  progress: Progress,
): Promise<void> {
  if (await imageExists(docker, ref)) {
    progress(`image: ${ref} is present`);
    return;
  }
  progress(`image: ${ref} is missing; building it from Debian packages (first time only, a few minutes)`);
  if (!(await imageExists(docker, BASE_IMAGE)) && !which('debootstrap')) {
    const log = path.join(logsDir(dataDir), 'apt.log');
    aptInstall(['debootstrap'], 'Building the base image needs debootstrap.', progress, log);
  }
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, 'images/build.sh')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, BERTH_DATA_DIR: dataDir, BERTH_WORKSPACE_IMAGE: ref },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`images/build.sh exited with ${code}`)),
    );
  });
  progress(`image: built ${ref} in ${Math.round((Date.now() - started) / 1000)} s`);
}
