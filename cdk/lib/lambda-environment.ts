/**
 * The environment every Berth Lambda starts with, keyed by the names in lambdas/config/env.ts —
 * the same registry the handlers read — so a renamed variable breaks the build, not production.
 */
import { Stack } from 'aws-cdk-lib';
import type { IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { ENV, type EnvName } from '../../lambdas/config/env.ts';
import type { Compute } from './compute.ts';
import type { BerthConfig } from './config.ts';
import type { Ingress } from './ingress.ts';
import type { State } from './state.ts';
import type { Storage } from './storage.ts';

/** Sessions get their own origin {id}.sessions.<domainName> (lambdas/drivers/aws/ingress-names.ts). */
export const sessionDomain = (domainName: string) => `sessions.${domainName}`;

export const LOG_LEVEL = 'INFO';

/** The reaper's schedule: EventBridge's finest rate. */
export const REAPER_INTERVAL_SECONDS = 60;

export interface EnvironmentParts {
  config: BerthConfig;
  vpc: IVpc;
  subnets: SubnetSelection;
  state: State;
  storage: Storage;
  compute: Compute;
  ingress: Ingress;
  transferBucketName: string;
}

export function lambdaEnvironment(parts: EnvironmentParts): Record<string, string> {
  const { config, compute, ingress } = parts;
  const stack = Stack.of(parts.state);
  const env: Partial<Record<EnvName, string>> = {
    [ENV.tableName]: parts.state.table.tableName,
    [ENV.logLevel]: LOG_LEVEL,
    [ENV.maxSessionsPerUser]: String(config.maxSessionsPerUser),
    [ENV.maxActiveSessions]: String(config.maxActiveSessions),
    [ENV.maxCpu]: String(config.maxCpu),
    [ENV.maxMemoryMiB]: String(config.maxMemoryMiB),
    [ENV.idleTimeoutMinutes]: String(config.idleTimeoutMinutes),
    [ENV.reaperIntervalSeconds]: String(REAPER_INTERVAL_SECONDS),
    [ENV.workspaceImage]: compute.image.imageUri,
    [ENV.clusterArn]: compute.cluster.clusterArn,
    [ENV.vpcId]: parts.vpc.vpcId,
    [ENV.subnetIds]: parts.vpc.selectSubnets(parts.subnets).subnetIds.join(','),
    [ENV.taskSecurityGroupId]: compute.taskSecurityGroup.securityGroupId,
    [ENV.taskRoleArn]: compute.taskRole.roleArn,
    [ENV.taskExecutionRoleArn]: compute.executionRole.roleArn,
    [ENV.taskLogGroup]: compute.logGroup.logGroupName,
    [ENV.fileSystemId]: parts.storage.fileSystem.fileSystemId,
    // toJsonString, not JSON.stringify: the ARNs are tokens resolved at deploy time.
    [ENV.albPool]: stack.toJsonString(ingress.albPool()),
    [ENV.nlbPool]: stack.toJsonString(ingress.nlbPool()),
    [ENV.transferBucket]: parts.transferBucketName,
    ...(config.domainName ? { [ENV.domain]: sessionDomain(config.domainName) } : {}),
  };
  return env as Record<string, string>;
}
