import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lambdas/config/env.ts';
import { readHostConfig } from '../../../lambdas/host/config.ts';

describe('single-host configuration', () => {
  it('has the documented defaults', () => {
    const config = readHostConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toMatch(/\.berth$/);
    expect(config.adminKey).toBeUndefined();
    expect(config.core.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.core.sshHost).toBe('127.0.0.1');
  });

  it('reads every variable', () => {
    const config = readHostConfig({
      BERTH_PORT: '9000',
      BERTH_HOST: '0.0.0.0',
      BERTH_PUBLIC_URL: 'https://berth.example.com',
      BERTH_SSH_HOST: 'ssh.example.com',
      BERTH_DATA_DIR: '/var/lib/berth',
      BERTH_ADMIN_KEY: 'berth_fixed',
      BERTH_MAX_SESSIONS_PER_USER: '5',
      BERTH_MAX_ACTIVE_SESSIONS: '50',
      BERTH_IDLE_TIMEOUT_MINUTES: '0',
      BERTH_MAX_CPU: '2.5',
      BERTH_MAX_MEMORY_MIB: '4096',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/berth',
      adminKey: 'berth_fixed',
    });
    expect(config.core).toMatchObject({
      publicUrl: 'https://berth.example.com',
      sshHost: 'ssh.example.com',
      maxSessionsPerUser: 5,
      maxActiveSessions: 50,
      idleTimeoutMinutes: 0,
      maxResources: { cpu: 2.5, memoryMiB: 4096 },
    });
  });

  it('names the variable in its error', () => {
    expect(() => readHostConfig({ BERTH_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => readHostConfig({ BERTH_PORT: '70000' })).toThrow(/BERTH_PORT/);
  });
});
