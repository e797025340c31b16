/**
 * The four Berth Lambdas: runtime, architecture, network, logs, and the environment they are
 * given — by the names in lambdas/config/env.ts. This file bundles for real (local esbuild).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { HOMES_MOUNT_PATH, WORK_UID } from '../../lambdas/config/aws.ts';
import { ENV } from '../../lambdas/config/env.ts';
import { logicalId, resourcesOf, synthBerth } from './synth.ts';

const { app, stack, template } = synthBerth({ bundle: true });

const ours: Record<string, NodejsFunction> = {
  api: stack.api.handler,
  events: stack.sessionEvents.taskEvents,
  reaper: stack.sessionEvents.reaper,
  ingest: stack.transfer.ingest,
};
const fnProps = (fn: NodejsFunction) => {
  const props = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(stack, fn)]?.Properties;
  if (!props) throw new Error(`no function ${fn.node.path}`);
  return props as {
    Runtime: string;
    Architectures: string[];
    Handler: string;
    Timeout: number;
    VpcConfig: { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    LoggingConfig: { LogGroup: { Ref: string } };
    Environment: { Variables: Record<string, unknown> };
    Code: { S3Key: string };
    ReservedConcurrentExecutions?: number;
    FileSystemConfigs?: { LocalMountPath: string; Arn: unknown }[];
  };
};
const envNames = (fn: NodejsFunction) => Object.keys(fnProps(fn).Environment.Variables);
const REGISTRY = new Set<string>(Object.values(ENV));

describe.each(Object.entries(ours))('the %s Lambda', (_name, fn) => {
  const props = fnProps(fn);

  it('runs Node.js 22 on arm64, from the bundled index.mjs', () => {
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Handler).toBe('index.handler');
  });

  it('sits in the private subnets', () => {
    const privateSubnets = stack.network.vpc.privateSubnets.map((s) => stack.resolve(s.subnetId));
    expect(props.VpcConfig.SubnetIds).toEqual(privateSubnets);
    expect(props.VpcConfig.SecurityGroupIds).toHaveLength(1);
  });

  it('logs to its own log group with a retention', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(groups[props.LoggingConfig.LogGroup.Ref]).toMatchObject({
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
  });

  it('gets only environment names from lambdas/config/env.ts', () => {
    const unknown = envNames(fn).filter((name) => !REGISTRY.has(name) && name !== 'NODE_OPTIONS');
    expect(unknown).toEqual([]);
  });

  it('was bundled by the local esbuild into an ESM index.mjs exporting `handler`', () => {
    const asset = path.join(app.outdir, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(existsSync(asset)).toBe(true);
    expect(readFileSync(asset, 'utf8')).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
  });
});

describe('the control-plane environment', () => {
  const required = [
    ENV.tableName,
    ENV.clusterArn,
    ENV.vpcId,
    ENV.subnetIds,
    ENV.taskSecurityGroupId,
    ENV.taskRoleArn,
    ENV.taskExecutionRoleArn,
    ENV.taskLogGroup,
    ENV.fileSystemId,
    ENV.albPool,
    ENV.nlbPool,
    ENV.transferBucket,
    ENV.workspaceImage,
    ENV.maxSessionsPerUser,
    ENV.maxActiveSessions,
    ENV.idleTimeoutMinutes,
  ];

  it.each(['api', 'events', 'reaper'])('is complete for %s', (name) => {
    expect(envNames(ours[name] as NodejsFunction)).toEqual(expect.arrayContaining(required));
  });

  it('names the admin key secret for the API only', () => {
    expect(envNames(ours.api as NodejsFunction)).toContain(ENV.adminKeySecretArn);
    for (const name of ['events', 'reaper', 'ingest']) {
      expect(envNames(ours[name] as NodejsFunction)).not.toContain(ENV.adminKeySecretArn);
    }
  });

  it('wires the pools as JSON arrays of the ALBs (with their listener) and the NLBs', () => {
    const env = fnProps(stack.api.handler).Environment.Variables;
    const [alb] = stack.ingress.albs;
    const [nlb] = stack.ingress.nlbs;
    const [listener] = stack.ingress.sessionListeners;
    if (!alb || !nlb || !listener) throw new Error('empty pool');
    expect(env[ENV.albPool]).toEqual(
      stack.resolve(
        stack.toJsonString([
          {
            loadBalancerArn: alb.loadBalancerArn,
            listenerArn: listener.listenerArn,
            dnsName: alb.loadBalancerDnsName,
          },
        ]),
      ),
    );
    expect(env[ENV.nlbPool]).toEqual(
      stack.resolve(
        stack.toJsonString([{ loadBalancerArn: nlb.loadBalancerArn, dnsName: nlb.loadBalancerDnsName }]),
      ),
    );
    expect(env[ENV.maxActiveSessions]).toBe('20');
    expect(env[ENV.workspaceImage]).toEqual(stack.resolve(stack.compute.image.imageUri));
    expect(env[ENV.domain]).toBeUndefined();
  });

  it('gives the ingest Lambda only its bucket and log level', () => {
    expect(envNames(ours.ingest as NodejsFunction).sort()).toEqual(
      [ENV.logLevel, ENV.transferBucket, 'NODE_OPTIONS'].sort(),
    );
  });
});

describe('function settings', () => {
  it('answers the API before API Gateway gives up (30 s)', () => {
    expect(fnProps(stack.api.handler).Timeout).toBeLessThan(30);
  });

  it('ends a reaper tick before the next one starts, and reserves no concurrency', () => {
    const reaper = fnProps(stack.sessionEvents.reaper);
    expect(reaper.Timeout).toBeLessThan(60);
    expect(reaper.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('mounts EFS for ingest at the shared mount path through a root access point as uid 1000', () => {
    const ingest = fnProps(ours.ingest as NodejsFunction);
    expect(ingest.FileSystemConfigs).toEqual([{ LocalMountPath: HOMES_MOUNT_PATH, Arn: expect.anything() }]);
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      RootDirectory: { Path: '/' },
      PosixUser: { Uid: String(WORK_UID), Gid: String(WORK_UID) },
    });
  });

  it('makes exactly the four Berth functions with a Berth environment', () => {
    const withBerthEnv = Object.values(resourcesOf(template, 'AWS::Lambda::Function')).filter((f) =>
      Object.keys(
        (f.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      ).some((name) => name.startsWith('BERTH_')),
    );
    expect(withBerthEnv).toHaveLength(4);
  });
});
