/**
 * End-to-end tests need a running dockerd and the real workspace image. Both are made here the
 * same way `npm start` makes them, so the suite also proves the bootstrap.
 */
import path from 'node:path';
import Dockerode from 'dockerode';
import { ensureDocker, ensureWorkspaceImage } from '../../lambdas/host/bootstrap.ts';

export default async function setup(): Promise<void> {
  const docker = new Dockerode();
  const dataDir = path.resolve('.berth-test');
  const progress = (line: string) => console.log(`[e2e setup] ${line}`);
  await ensureDocker(docker, dataDir, progress);
  await ensureWorkspaceImage(
    docker,
    process.env.BERTH_WORKSPACE_IMAGE ?? 'berth-workspace:latest',
    dataDir,
    progress,
  );
}
