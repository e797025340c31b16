/** `npm run emulate`: the AWS deployment's API and drivers on this machine, against moto. */
import { ConfigError, ENV } from '../config/env.ts';
import { startEmulator } from './emulator.ts';

const progress = (line: string) => console.log(`[berth-emulate] ${line}`);

async function main(): Promise<void> {
  const emulator = await startEmulator(process.env, progress);
  const { url, adminKey } = emulator;
  progress(
    `Berth (AWS drivers on ${emulator.endpoint}) is running at ${url}  (API: ${url}/v1, OpenAPI: ${url}/openapi.json)`,
  );
  if (adminKey?.generated) progress(`admin API key (shown once): ${adminKey.value}`);
  else if (adminKey) progress(`admin API key: the value of ${ENV.adminKey}`);
  else progress(`admin API key: set earlier on this emulator; pass it as ${ENV.adminKey}`);
  progress(`try: curl -H "Authorization: Bearer ${adminKey?.value ?? '$BERTH_ADMIN_KEY'}" ${url}/v1/me`);
  progress(`inspect: aws --endpoint-url ${emulator.endpoint} ecs list-tasks --cluster berth`);

  const shutdown = async (signal: string) => {
    progress(
      `${signal}: shutting down${process.env[ENV.awsEndpoint] ? '' : ' (and moto_server with all its state)'}`,
    );
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(
    `[berth-emulate] ${error instanceof ConfigError ? 'configuration error: ' : 'failed to start: '}${
      error instanceof Error ? error.message : String(error)
    }`,
  );
  process.exit(1);
});
