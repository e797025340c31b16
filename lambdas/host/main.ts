/** `npm start`: Berth on this host. */
import { ConfigError } from '../config/env.ts';
import { startBerthHost } from './berth-host.ts';
import { readHostConfig } from './config.ts';

const progress = (line: string) => console.log(`[berth] ${line}`);

async function main(): Promise<void> {
  const config = readHostConfig();
  const host = await startBerthHost(config, progress);
  progress(
    `Berth is running at ${host.url}  (console: open it in a browser; API: ${host.url}/v1, OpenAPI: ${host.url}/openapi.json)`,
  );
  if ('value' in host.adminKey) {
    progress(
      host.adminKey.generated
        ? `admin API key (shown once, also saved in ${config.dataDir}/admin-key): ${host.adminKey.value}`
        : 'admin API key: the value of BERTH_ADMIN_KEY',
    );
  } else {
    progress(`admin API key: in ${host.adminKey.file}`);
  }
  progress(`try: curl -H "Authorization: Bearer $(cat ${config.dataDir}/admin-key)" ${host.url}/v1/me`);

  const shutdown = async (signal: string) => {
    progress(`${signal}: shutting down (sessions keep running; they are picked up at the next start)`);
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(
    `[berth] ${error instanceof ConfigError ? 'configuration error: ' : 'failed to start: '}${
      error instanceof Error ? error.message : String(error)
    }`,
  );
  process.exit(1);
});
