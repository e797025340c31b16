/** Builds the console from web/ once per run, so the tests see the current source. */
import { buildConsole } from '../../lambdas/host/console.ts';

export default async function setup(): Promise<void> {
  await buildConsole();
}
