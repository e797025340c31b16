/**
 * The AWS drivers' configuration, read once at cold start from the names in config/env.ts (set by
 * the CDK stack on the Lambdas, by `npm run emulate` locally).
 */
import { z } from 'zod';
import { ConfigError, ENV, type EnvName, readString } from '../../config/env.ts';

export interface AlbPoolMember {
  loadBalancerArn: string;
  /** the ALB's listener that session rules are added to */
  listenerArn: string;
  dnsName: string;
}

export interface NlbPoolMember {
  loadBalancerArn: string;
  dnsName: string;
}

export interface AwsDriverConfig {
  region: string;
  /** moto or another emulator: endpoint override with dummy credentials */
  endpoint?: string;
  /** whether ECS reports task health (AWS does; moto never does), see task-status.ts */
  requireHealthy: boolean;
  clusterArn: string;
  vpcId: string;
  subnetIds: string[];
  taskSecurityGroupId: string;
  taskRoleArn?: string;
  taskExecutionRoleArn?: string;
  taskLogGroup?: string;
  fileSystemId: string;
  albPool: AlbPoolMember[];
  nlbPool: NlbPoolMember[];
  /** sessions get their own origin {id}.{domain} */
  domain?: string;
  transferBucket?: string;
}

const albPoolSchema = z
  .array(
    z.object({
      loadBalancerArn: z.string().min(1),
      listenerArn: z.string().min(1),
      dnsName: z.string().min(1),
    }),
  )
  .min(1);
const nlbPoolSchema = z
  .array(z.object({ loadBalancerArn: z.string().min(1), dnsName: z.string().min(1) }))
  .min(1);

type Env = Record<string, string | undefined>;

function required(env: Env, name: EnvName): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} must be set`);
  return value;
}

function optional(env: Env, name: EnvName): string | undefined {
  const value = env[name];
  return value ? value : undefined;
}

function pool<T>(env: Env, name: EnvName, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(required(env, name));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${name} must be JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new ConfigError(`${name} is malformed: ${result.error.issues[0]?.message ?? ''}`);
  return result.data;
}

export function readAwsConfig(env: Env = process.env): AwsDriverConfig {
  const endpoint = optional(env, ENV.awsEndpoint);
  const taskRoleArn = optional(env, ENV.taskRoleArn);
  const taskExecutionRoleArn = optional(env, ENV.taskExecutionRoleArn);
  const taskLogGroup = optional(env, ENV.taskLogGroup);
  const domain = optional(env, ENV.domain);
  const transferBucket = optional(env, ENV.transferBucket);
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    requireHealthy: endpoint === undefined,
    clusterArn: required(env, ENV.clusterArn),
    vpcId: required(env, ENV.vpcId),
    subnetIds: readString(env, ENV.subnetIds, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    taskSecurityGroupId: required(env, ENV.taskSecurityGroupId),
    ...(taskRoleArn ? { taskRoleArn } : {}),
    ...(taskExecutionRoleArn ? { taskExecutionRoleArn } : {}),
    ...(taskLogGroup ? { taskLogGroup } : {}),
    fileSystemId: required(env, ENV.fileSystemId),
    albPool: pool(env, ENV.albPool, albPoolSchema),
    nlbPool: pool(env, ENV.nlbPool, nlbPoolSchema),
    ...(domain ? { domain } : {}),
    ...(transferBucket ? { transferBucket } : {}),
  };
}
