/** `berth`: the command-line client (npm run berth -- <command>). */
import { BerthClient } from './client.ts';
import { run, UsageError } from './commands.ts';
import { readCliConfig } from './config.ts';

try {
  const argv = process.argv.slice(2);
  const needsServer = argv.length > 0 && !['help', '--help', '-h'].includes(argv[0] ?? '');
  const config = needsServer ? readCliConfig() : { url: '', apiKey: '' };
  for (const line of await run(new BerthClient(config.url, config.apiKey), argv)) console.log(line);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`berth: ${message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
