/**
 * The core's settings from the environment: the same names in both deployments (limits, image,
 * idle timeout). Each deployment says where users reach it (SSH host, public URL) by default.
 */
import { type CoreConfig, defaultCoreConfig } from '../core/config.ts';
import { ENV, readInt, readNumber, readString } from './env.ts';

type Env = Record<string, string | undefined>;

export function readCoreConfig(env: Env, reach: { sshHost: string; publicUrl: string }): CoreConfig {
  const defaults = defaultCoreConfig();
  const python = defaults.images.python ?? { ref: 'berth-workspace:latest', description: 'workspace' };
  return defaultCoreConfig({
    images: { python: { ...python, ref: readString(env, ENV.workspaceImage, python.ref) } },
    maxSessionsPerUser: readInt(env, ENV.maxSessionsPerUser, defaults.maxSessionsPerUser, {
      min: 1,
      max: 1000,
    }),
    maxActiveSessions: readInt(env, ENV.maxActiveSessions, defaults.maxActiveSessions, {
      min: 1,
      max: 10000,
    }),
    maxResources: {
      cpu: readNumber(env, ENV.maxCpu, defaults.maxResources.cpu, { min: 0.25, max: 1024 }),
      memoryMiB: readInt(env, ENV.maxMemoryMiB, defaults.maxResources.memoryMiB, {
        min: 256,
        max: 4_194_304,
      }),
    },
    idleTimeoutMinutes: readNumber(env, ENV.idleTimeoutMinutes, defaults.idleTimeoutMinutes, {
      min: 0,
      max: 100_000,
    }),
    sshHost: readString(env, ENV.sshHost, reach.sshHost),
    publicUrl: readString(env, ENV.publicUrl, reach.publicUrl),
  });
}
