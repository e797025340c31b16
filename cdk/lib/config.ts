/**
 * The deployment's knobs, read once from CDK context (cdk.json defaults, `-c key=value` overrides)
 * and checked before any construct exists, so a typo fails `cdk synth` with a clear message
 * instead of a half-built template. Every key is listed in docs/deploy.md.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { AWS_LIMITS } from '../../lambdas/config/aws.ts';

/** An existing VPC to deploy into. Given as ids (no context lookups), so synth needs no AWS access. */
export interface ExistingVpc {
  vpcId: string;
  availabilityZones: string[];
  /** for the internet-facing load balancers */
  publicSubnetIds: string[];
  /** for the Lambdas, the session tasks and the EFS mount targets; they need egress (NAT or endpoints) */
  privateSubnetIds: string[];
}

export interface BerthConfig {
  /** unset: account-agnostic, the deploying credentials' account */
  account?: string;
  /** always known: ALB access logging needs the region's log-delivery principal at synth time */
  region: string;
  vpc?: ExistingVpc;
  /** sessions are served at {id}.sessions.<domainName> */
  domainName?: string;
  /** regional ACM certificate for the ALBs; it must cover *.sessions.<domainName> when a domain is set */
  certificateArn?: string;
  maxSessionsPerUser: number;
  maxActiveSessions: number;
  maxCpu: number;
  maxMemoryMiB: number;
  idleTimeoutMinutes: number;
  /** ALB + NLB pairs: 100 app sessions per ALB, 50 SSH sessions per NLB (AWS limits) */
  ingressPoolSize: number;
  /** BASE_IMAGE build argument of images/workspace/Dockerfile */
  baseImage: string;
  logRetention: RetentionDays;
}

/**
 * Each pool member adds ~600 characters of ARNs and DNS names to every Lambda's environment, and
 * Lambda caps the whole environment at 4 KB.
 */
export const MAX_INGRESS_POOL_SIZE = 4;

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

type Raw = (key: string) => unknown;

function text(raw: Raw, key: string): string | undefined {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConfigurationError(`context "${key}" must be a string`);
  return value.trim() || undefined;
}

/** A list from cdk.json (array) or from `-c key=a,b` (comma-separated string). */
function list(raw: Raw, key: string): string[] {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || items.some((item) => typeof item !== 'string')) {
    throw new ConfigurationError(`context "${key}" must be a list of strings or a comma-separated string`);
  }
  return items.map((item: string) => item.trim()).filter(Boolean);
}

function number(
  raw: Raw,
  key: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
): number {
  const value = raw(key);
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  const integer = range.integer ?? true;
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new ConfigurationError(
      `context "${key}" must be ${integer ? 'an integer' : 'a number'}, got "${value}"`,
    );
  }
  if (parsed < range.min || parsed > range.max) {
    throw new ConfigurationError(`context "${key}" must be from ${range.min} to ${range.max}, got ${parsed}`);
  }
  return parsed;
}

function existingVpc(raw: Raw): ExistingVpc | undefined {
  const vpcId = text(raw, 'vpcId');
  const availabilityZones = list(raw, 'availabilityZones');
  const publicSubnetIds = list(raw, 'publicSubnetIds');
  const privateSubnetIds = list(raw, 'privateSubnetIds');
  if (!vpcId) {
    if (availabilityZones.length + publicSubnetIds.length + privateSubnetIds.length > 0) {
      throw new ConfigurationError('availabilityZones and subnet ids only make sense with "vpcId"');
    }
    return undefined;
  }
  if (availabilityZones.length < 2) {
    throw new ConfigurationError('"vpcId" needs "availabilityZones" (at least 2: ALBs span two zones)');
  }
  for (const [key, ids] of [
    ['publicSubnetIds', publicSubnetIds],
    ['privateSubnetIds', privateSubnetIds],
  ] as const) {
    // fromVpcAttributes pairs subnets with zones by position.
    if (ids.length === 0 || ids.length % availabilityZones.length !== 0) {
      throw new ConfigurationError(
        `"vpcId" needs "${key}": one (or a multiple) per availability zone, in the zones' order`,
      );
    }
  }
  if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) throw new ConfigurationError(`"vpcId" is not a VPC id: ${vpcId}`);
  const badSubnet = [...publicSubnetIds, ...privateSubnetIds].find(
    (id) => !/^subnet-[0-9a-f]{8,17}$/.test(id),
  );
  if (badSubnet) throw new ConfigurationError(`not a subnet id: ${badSubnet}`);
  return { vpcId, availabilityZones, publicSubnetIds, privateSubnetIds };
}

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0),
);

/** Where a deployment goes when neither `-c region=…` nor the AWS CLI configuration says. */
export const FALLBACK_REGION = 'us-east-1';

/**
 * @param env process environment: CDK_DEFAULT_REGION is what the CDK CLI found in the AWS CLI
 * configuration (profile, AWS_REGION), if anything.
 */
export function readConfig(
  node: Pick<Node, 'tryGetContext'>,
  env: Record<string, string | undefined> = process.env,
): BerthConfig {
  const raw: Raw = (key) => node.tryGetContext(key);
  const domainName = text(raw, 'domainName')?.replace(/\.$/, '');
  const certificateArn = text(raw, 'certificateArn');
  const ingressPoolSize = number(raw, 'ingressPoolSize', 1, { min: 1, max: MAX_INGRESS_POOL_SIZE });
  // Session URLs are https://{id}.sessions.<domain> (lambdas/drivers/aws/ingress.ts); without a
  // domain they are plain http://<ALB name>, for which no certificate can be issued.
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new ConfigurationError('"domainName" and "certificateArn" go together: give both or neither');
  }
  if (domainName && ingressPoolSize > 1) {
    // One wildcard record (*.sessions.<domain>) can point at one ALB only.
    throw new ConfigurationError('"domainName" supports "ingressPoolSize" 1 only');
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new ConfigurationError(`"certificateArn" is not an ACM certificate ARN: ${certificateArn}`);
  }
  const maxActiveSessions = number(raw, 'maxActiveSessions', 20, { min: 1, max: 10_000 });
  const sshCapacity = ingressPoolSize * AWS_LIMITS.listenersPerNlb;
  if (maxActiveSessions > sshCapacity) {
    // Every active session holds one NLB listener; more would fail at launch, not here.
    throw new ConfigurationError(
      `"maxActiveSessions" ${maxActiveSessions} exceeds the ingress pool's ${sshCapacity} SSH listeners ` +
        `(${AWS_LIMITS.listenersPerNlb} per NLB): raise "ingressPoolSize"`,
    );
  }
  const logRetentionDays = number(raw, 'logRetentionDays', 30, { min: 1, max: 3653 });
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    throw new ConfigurationError(
      `"logRetentionDays" must be one CloudWatch Logs accepts: ${[...RETENTION_DAYS].join(', ')}`,
    );
  }
  const account = text(raw, 'account');
  const region = text(raw, 'region') ?? (env.CDK_DEFAULT_REGION || FALLBACK_REGION);
  const vpc = existingVpc(raw);
  return {
    ...(account ? { account } : {}),
    region,
    ...(vpc ? { vpc } : {}),
    ...(domainName ? { domainName } : {}),
    ...(certificateArn ? { certificateArn } : {}),
    maxSessionsPerUser: number(raw, 'maxSessionsPerUser', 3, { min: 1, max: 1000 }),
    maxActiveSessions,
    maxCpu: number(raw, 'maxCpu', 4, { min: 0.25, max: 16, integer: false }),
    maxMemoryMiB: number(raw, 'maxMemoryMiB', 8192, { min: 512, max: 122_880 }),
    idleTimeoutMinutes: number(raw, 'idleTimeoutMinutes', 60, { min: 0, max: 100_000 }),
    ingressPoolSize,
    baseImage: text(raw, 'baseImage') ?? 'debian:bookworm',
    logRetention: logRetentionDays as RetentionDays,
  };
}
