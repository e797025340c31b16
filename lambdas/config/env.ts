/**
 * The one registry of environment variable names. The single-host server, the Lambda handlers and
 * the CDK app all import it, so the infrastructure and the runtime cannot drift apart.
 */
export const ENV = {
  port: 'BERTH_PORT',
  host: 'BERTH_HOST',
  publicUrl: 'BERTH_PUBLIC_URL',
  sshHost: 'BERTH_SSH_HOST',
  dataDir: 'BERTH_DATA_DIR',
  adminKey: 'BERTH_ADMIN_KEY',
  tableName: 'BERTH_TABLE_NAME',
  dynamoEndpoint: 'BERTH_DYNAMODB_ENDPOINT',
  maxSessionsPerUser: 'BERTH_MAX_SESSIONS_PER_USER',
  maxActiveSessions: 'BERTH_MAX_ACTIVE_SESSIONS',
  maxCpu: 'BERTH_MAX_CPU',
  maxMemoryMiB: 'BERTH_MAX_MEMORY_MIB',
  idleTimeoutMinutes: 'BERTH_IDLE_TIMEOUT_MINUTES',
  reaperIntervalSeconds: 'BERTH_REAPER_INTERVAL_SECONDS',
  workspaceImage: 'BERTH_WORKSPACE_IMAGE',
  logLevel: 'BERTH_LOG_LEVEL',
  // AWS deployment (set by the CDK stack on the Lambdas; by `npm run emulate` locally)
  awsEndpoint: 'BERTH_AWS_ENDPOINT',
  clusterArn: 'BERTH_CLUSTER_ARN',
  vpcId: 'BERTH_VPC_ID',
  subnetIds: 'BERTH_SUBNET_IDS',
  taskSecurityGroupId: 'BERTH_TASK_SECURITY_GROUP_ID',
  taskRoleArn: 'BERTH_TASK_ROLE_ARN',
  taskExecutionRoleArn: 'BERTH_TASK_EXECUTION_ROLE_ARN',
  taskLogGroup: 'BERTH_TASK_LOG_GROUP',
  fileSystemId: 'BERTH_FILE_SYSTEM_ID',
  /** JSON: [{ loadBalancerArn, listenerArn, dnsName }] — the ALB pool for apps */
  albPool: 'BERTH_ALB_POOL',
  /** JSON: [{ loadBalancerArn, dnsName }] — the NLB pool for SSH */
  nlbPool: 'BERTH_NLB_POOL',
  /** optional: sessions get their own origin {id}.{domain} */
  domain: 'BERTH_DOMAIN',
  transferBucket: 'BERTH_TRANSFER_BUCKET',
  /** the admin key lives in Secrets Manager on AWS; this names the secret */
  adminKeySecretArn: 'BERTH_ADMIN_KEY_SECRET_ARN',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function readString(env: Env, name: EnvName, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function readInt(
  env: Env,
  name: EnvName,
  fallback: number,
  range: { min: number; max: number },
): number {
  return readNumber(env, name, fallback, { ...range, integer: true });
}

export function readNumber(
  env: Env,
  name: EnvName,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const kind = range.integer ? 'an integer' : 'a number';
  if (
    (range.integer ? !Number.isInteger(value) : !Number.isFinite(value)) ||
    value < range.min ||
    value > range.max
  ) {
    throw new ConfigError(`${name} must be ${kind} from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return value;
}
