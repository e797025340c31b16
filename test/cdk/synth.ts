/**
 * Synthesizes the stack the way `cdk synth` does — cdk.json's context (feature flags and
 * defaults), createBerthApp, cdk-nag — so the tests check what would be deployed. One synth per
 * test file: call it once at the top and share the result.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createBerthApp, REPO_ROOT } from '../../cdk/lib/app.ts';
import type { BerthStack } from '../../cdk/lib/berth-stack.ts';

const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  app: App;
  stack: BerthStack;
  template: Template;
}

export function synthBerth(
  options: { context?: Record<string, unknown>; bundle?: boolean } = {},
): Synthesized {
  const app = new App({
    context: {
      ...cdkJson.context,
      // esbuild takes seconds per function; only the files that look at the bundles pay for it.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  // No CDK_DEFAULT_REGION: the fallback region, whatever the machine's AWS configuration says.
  const { stack } = createBerthApp(app, {});
  return { app, stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Every resource of a type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** The logical id CloudFormation gives a construct's resource, for Ref/GetAtt matching. */
export function logicalId(stack: BerthStack, construct: { node: { defaultChild?: unknown } }): string {
  const child = construct.node.defaultChild;
  if (!child) throw new Error('construct has no default child');
  return stack.getLogicalId(child as Parameters<BerthStack['getLogicalId']>[0]);
}
