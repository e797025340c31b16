import type { Resources } from './model.ts';

export interface ImageEntry {
  /** what the compute driver runs: a Docker tag, or an ECR image URI on AWS */
  ref: string;
  description: string;
}

export interface CoreConfig {
  /** catalogue name -> image; sessions may only use these */
  images: Record<string, ImageEntry>;
  defaultImage: string;
  defaultResources: Resources;
  maxResources: Resources;
  maxSessionsPerUser: number;
  maxActiveSessions: number;
  idleTimeoutMinutes: number;
  /** host name users put in `ssh -p PORT work@HOST` */
  sshHost: string;
  /** base URL that app links start with, e.g. http://127.0.0.1:8080 */
  publicUrl: string;
  /** a PENDING session this old with no compute was cut off mid-launch */
  launchGraceSeconds: number;
  /** a session still PROVISIONING after this long has failed to come up */
  provisionTimeoutSeconds: number;
}

export const MIN_RESOURCES: Resources = { cpu: 0.25, memoryMiB: 256 };

export function defaultCoreConfig(overrides: Partial<CoreConfig> = {}): CoreConfig {
  return {
    images: {
      python: { ref: 'berth-workspace:latest', description: 'Debian 12, Python 3, Jupyter, SSH, tmux' },
    },
    defaultImage: 'python',
    defaultResources: { cpu: 1, memoryMiB: 2048 },
    maxResources: { cpu: 4, memoryMiB: 8192 },
    maxSessionsPerUser: 3,
    maxActiveSessions: 20,
    idleTimeoutMinutes: 60,
    sshHost: '127.0.0.1',
    publicUrl: 'http://127.0.0.1:8080',
    launchGraceSeconds: 120,
    provisionTimeoutSeconds: 600,
    ...overrides,
  };
}
