/** Single-host configuration, read once at start-up from the environment (names in config/env.ts). */
import { hostname } from 'node:os';
import path from 'node:path';
import { ENV, readInt, readNumber, readString } from '../config/env.ts';
import { type CoreConfig, defaultCoreConfig } from '../core/config.ts';

export interface HostConfig {
  port: number;
  host: string;
  dataDir: string;
  adminKey?: string;
  logLevel: string;
  reaperIntervalSeconds: number;
  core: CoreConfig;
}

export function readHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const port = readInt(env, ENV.port, 8080, { min: 1, max: 65535 });
  const host = readString(env, ENV.host, '127.0.0.1');
  // A wildcard bind address is no address to give users: fall back to the machine's name.
  const reachableHost = host === '0.0.0.0' || host === '::' ? hostname() : host;
  const defaults = defaultCoreConfig();
  const python = defaults.images.python ?? { ref: 'berth-workspace:latest', description: 'workspace' };
  const adminKey = env[ENV.adminKey];
  return {
    port,
    host,
    dataDir: path.resolve(readString(env, ENV.dataDir, './.berth')),
    ...(adminKey ? { adminKey } : {}),
    logLevel: readString(env, ENV.logLevel, 'INFO').toUpperCase(),
    reaperIntervalSeconds: readInt(env, ENV.reaperIntervalSeconds, 30, { min: 1, max: 3600 }),
    core: defaultCoreConfig({
      images: {
        python: {
          ...python,
          ref: readString(env, ENV.workspaceImage, python.ref),
        },
      },
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
      sshHost: readString(env, ENV.sshHost, reachableHost),
      publicUrl: readString(
        env,
        ENV.publicUrl,
        `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`,
      ),
    }),
  };
}
