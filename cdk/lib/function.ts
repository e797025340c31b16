/**
 * How every Berth Lambda is built: one handler file under lambdas/handlers/, bundled by the
 * installed esbuild (never Docker), Node.js 22 on Graviton, inside the VPC's private subnets (the
 * Lambdas reach session tasks' agents and EFS), with its own log group.
 */
import path from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, type FileSystem, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { managedPolicy } from './nag.ts';

/** What every function shares. */
export interface FunctionContext {
  repoRoot: string;
  vpc: IVpc;
  subnets: SubnetSelection;
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

export interface BerthFunctionProps {
  /** lambdas/handlers/{handler}.ts, exporting `handler` */
  handler: 'api' | 'events' | 'reaper' | 'ingest';
  description: string;
  securityGroup: ISecurityGroup;
  timeout: Duration;
  memorySize: number;
  environment?: Record<string, string>;
  filesystem?: FileSystem;
}

export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;

export function berthFunction(
  scope: Construct,
  id: string,
  context: FunctionContext,
  props: BerthFunctionProps,
): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: context.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new NodejsFunction(scope, id, {
    entry: path.join(context.repoRoot, 'lambdas', 'handlers', `${props.handler}.ts`),
    handler: 'handler',
    description: props.description,
    runtime: LAMBDA_RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    vpc: context.vpc,
    vpcSubnets: context.subnets,
    securityGroups: [props.securityGroup],
    logGroup,
    environment: {
      ...context.environment,
      ...props.environment,
      // Stack traces point into lambdas/, not into the minified bundle.
      NODE_OPTIONS: '--enable-source-maps',
    },
    ...(props.filesystem ? { filesystem: props.filesystem } : {}),
    projectRoot: context.repoRoot,
    depsLockFilePath: path.join(context.repoRoot, 'package-lock.json'),
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      // Some CommonJS dependencies call require() for Node built-ins, which ESM lacks.
      banner: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);",
      // The SDK versions the code was tested with (package-lock.json), not whatever the runtime has.
      bundleAwsSDK: true,
      minify: true,
      keepNames: true,
      sourceMap: true,
      sourcesContent: false,
    },
  });
  Validations.of(fn).acknowledge(
    {
      id: managedPolicy('service-role/AWSLambdaBasicExecutionRole'),
      reason: 'AWS-managed minimum for a Lambda: writing its own CloudWatch logs.',
    },
    {
      id: managedPolicy('service-role/AWSLambdaVPCAccessExecutionRole'),
      reason:
        'AWS-managed minimum for a Lambda in a VPC: its network interfaces (no resource scoping exists).',
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 on purpose: the runtime the control plane is built and tested for; a new ' +
        'major runtime is adopted deliberately, with the tests, not by a linter.',
    },
  );
  return fn;
}
