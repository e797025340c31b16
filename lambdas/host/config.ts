/** Single-host configuration, read once at start-up from the environment (names in config/env.ts). */
import { hostname } from 'node:os';
import path from 'node:path';
import { readCoreConfig } from '../config/core-config.ts';
import { ENV, readInt, readString } from '../config/env.ts';
import type { CoreConfig } from '../core/config.ts';

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
  const adminKey = env[ENV.adminKey];
  return {
    port,
    host,
    dataDir: path.resolve(readString(env, ENV.dataDir, './.berth')),
    ...(adminKey ? { adminKey } : {}),
    logLevel: readString(env, ENV.logLevel, 'INFO').toUpperCase(),
    reaperIntervalSeconds: readInt(env, ENV.reaperIntervalSeconds, 30, { min: 1, max: 3600 }),
    core: readCoreConfig(env, {
      sshHost: reachableHost,
      publicUrl: `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`,
    }),
  };
}
