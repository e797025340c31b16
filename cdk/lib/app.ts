/**
 * One way to build the app, shared by cdk/bin/berth.ts and the tests, so the tests check the
 * stack `cdk deploy` would make — cdk-nag included.
 */
import { fileURLToPath } from 'node:url';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BerthStack } from './berth-stack.ts';
import { readConfig } from './config.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const STACK_NAME = 'Berth';

export function createBerthApp(
  app: App,
  env: Record<string, string | undefined> = process.env,
): { app: App; stack: BerthStack } {
  const config = readConfig(app.node, env);
  const stack = new BerthStack(app, STACK_NAME, {
    description: 'Berth: on-demand compute sessions (control plane, ingress, storage)',
    // Account-agnostic unless pinned by context, so synth needs no credentials.
    env: { ...(config.account ? { account: config.account } : {}), region: config.region },
    config,
    repoRoot: REPO_ROOT,
  });
  // Every AwsSolutions finding fails synth unless acknowledged next to its cause, with a reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
