/**
 * Creates the base resources (BASE) through the AWS APIs, against an emulator: what the CDK stack
 * makes in a real account. Returns the environment the Lambdas would get from the stack.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { CreateFileSystemCommand, CreateMountTargetCommand } from '@aws-sdk/client-efs';
import { CreateListenerCommand, CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ENV } from '../config/env.ts';
import type { AwsClients } from '../drivers/aws/clients.ts';
import type { AlbPoolMember, NlbPoolMember } from '../drivers/aws/config.ts';
import { createDocumentClient, ensureTable } from '../store/client.ts';
import { DEFAULT_TABLE_NAME } from '../store/table.ts';
import { BASE } from './base-definitions.ts';

/** Names the emulated resources carry, so a restart can find them again (find-base.ts). */
export const ALB_NAME_PREFIX = 'berth-apps-';
export const NLB_NAME_PREFIX = 'berth-ssh-';
export const FILE_SYSTEM_TOKEN = 'berth-homes';
export const SECURITY_GROUP_NAMES = {
  loadBalancers: 'berth-load-balancers',
  tasks: 'berth-tasks',
  fileSystem: 'berth-homes',
} as const;

export interface BaseResources {
  vpcId: string;
  subnetIds: string[];
  loadBalancerSecurityGroupId: string;
  taskSecurityGroupId: string;
  clusterArn: string;
  fileSystemId: string;
  albPool: AlbPoolMember[];
  nlbPool: NlbPoolMember[];
  transferBucket: string;
  tableName: string;
}

export const DEFAULT_TRANSFER_BUCKET = 'berth-transfer';

export interface BaseOptions {
  region: string;
  endpoint: string;
  /** defaults to BASE.pool */
  albs?: number;
  nlbs?: number;
  tableName?: string;
  transferBucket?: string;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`creating ${what} returned no id`);
  return value;
}

export async function createBaseResources(clients: AwsClients, options: BaseOptions): Promise<BaseResources> {
  const { ec2, ecs, efs, elbv2, s3 } = clients;
  const vpcId = must(
    (await ec2.send(new CreateVpcCommand({ CidrBlock: BASE.vpc.cidr }))).Vpc?.VpcId,
    'the VPC',
  );
  // One attribute per call, as the API demands.
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: BASE.vpc.dnsSupport } }),
  );
  await ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: BASE.vpc.dnsHostnames } }),
  );
  const subnetIds: string[] = [];
  for (const subnet of BASE.subnets) {
    const out = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: subnet.cidr,
        AvailabilityZone: `${options.region}${subnet.zoneSuffix}`,
      }),
    );
    subnetIds.push(must(out.Subnet?.SubnetId, 'a subnet'));
  }

  const group = async (name: string, description: string) =>
    must(
      (
        await ec2.send(
          new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId }),
        )
      ).GroupId,
      `security group ${name}`,
    );
  const { securityGroups } = BASE;
  const lbGroup = await group(SECURITY_GROUP_NAMES.loadBalancers, securityGroups.loadBalancers.description);
  const taskGroup = await group(SECURITY_GROUP_NAMES.tasks, securityGroups.tasks.description);
  const fsGroup = await group(SECURITY_GROUP_NAMES.fileSystem, securityGroups.fileSystem.description);
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: lbGroup,
      IpPermissions: securityGroups.loadBalancers.ingress.map((rule) => ({
        IpProtocol: 'tcp',
        FromPort: rule.fromPort,
        ToPort: rule.toPort,
        IpRanges: [{ CidrIp: rule.cidr }],
      })),
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: taskGroup,
      IpPermissions: securityGroups.tasks.ingressFromLoadBalancers.map((port) => ({
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        UserIdGroupPairs: [{ GroupId: lbGroup }],
      })),
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: fsGroup,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: securityGroups.fileSystem.nfsPort,
          ToPort: securityGroups.fileSystem.nfsPort,
          UserIdGroupPairs: [{ GroupId: taskGroup }],
        },
      ],
    }),
  );

  const clusterArn = must(
    (await ecs.send(new CreateClusterCommand({ clusterName: BASE.clusterName }))).cluster?.clusterArn,
    'the ECS cluster',
  );

  const fileSystemId = must(
    (
      await efs.send(
        new CreateFileSystemCommand({
          CreationToken: FILE_SYSTEM_TOKEN,
          Encrypted: true,
          PerformanceMode: 'generalPurpose',
        }),
      )
    ).FileSystemId,
    'the file system',
  );
  for (const SubnetId of subnetIds) {
    await efs.send(
      new CreateMountTargetCommand({ FileSystemId: fileSystemId, SubnetId, SecurityGroups: [fsGroup] }),
    );
  }

  const albPool: AlbPoolMember[] = [];
  for (let i = 0; i < (options.albs ?? BASE.pool.albs); i++) {
    const lb = (
      await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: `${ALB_NAME_PREFIX}${i}`,
          Type: 'application',
          Scheme: 'internet-facing',
          Subnets: subnetIds,
          SecurityGroups: [lbGroup],
        }),
      )
    ).LoadBalancers?.[0];
    const loadBalancerArn = must(lb?.LoadBalancerArn, `ALB ${i}`);
    const listener = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Port: BASE.alb.listener.port,
        Protocol: BASE.alb.listener.protocol,
        DefaultActions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: {
              StatusCode: BASE.alb.defaultResponse.statusCode,
              ContentType: BASE.alb.defaultResponse.contentType,
              MessageBody: BASE.alb.defaultResponse.messageBody,
            },
          },
        ],
      }),
    );
    albPool.push({
      loadBalancerArn,
      listenerArn: must(listener.Listeners?.[0]?.ListenerArn, `the listener of ALB ${i}`),
      dnsName: must(lb?.DNSName, `the DNS name of ALB ${i}`),
    });
  }

  const nlbPool: NlbPoolMember[] = [];
  for (let i = 0; i < (options.nlbs ?? BASE.pool.nlbs); i++) {
    const lb = (
      await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: `${NLB_NAME_PREFIX}${i}`,
          Type: 'network',
          Scheme: 'internet-facing',
          Subnets: subnetIds,
          SecurityGroups: [lbGroup],
        }),
      )
    ).LoadBalancers?.[0];
    nlbPool.push({
      loadBalancerArn: must(lb?.LoadBalancerArn, `NLB ${i}`),
      dnsName: must(lb?.DNSName, `the DNS name of NLB ${i}`),
    });
  }

  const transferBucket = options.transferBucket ?? DEFAULT_TRANSFER_BUCKET;
  await s3.send(new CreateBucketCommand({ Bucket: transferBucket }));

  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  await ensureTable(createDocumentClient({ endpoint: options.endpoint, region: options.region }), tableName);

  return {
    vpcId,
    subnetIds,
    loadBalancerSecurityGroupId: lbGroup,
    taskSecurityGroupId: taskGroup,
    clusterArn,
    fileSystemId,
    albPool,
    nlbPool,
    transferBucket,
    tableName,
  };
}

/** The environment the stack gives the Lambdas, for these resources. */
export function baseEnvironment(base: BaseResources, endpoint: string): Record<string, string> {
  return {
    [ENV.awsEndpoint]: endpoint,
    [ENV.tableName]: base.tableName,
    [ENV.clusterArn]: base.clusterArn,
    [ENV.vpcId]: base.vpcId,
    [ENV.subnetIds]: base.subnetIds.join(','),
    [ENV.taskSecurityGroupId]: base.taskSecurityGroupId,
    [ENV.taskRoleArn]: 'arn:aws:iam::123456789012:role/berth-session-task',
    [ENV.taskExecutionRoleArn]: 'arn:aws:iam::123456789012:role/berth-session-execution',
    [ENV.fileSystemId]: base.fileSystemId,
    [ENV.albPool]: JSON.stringify(base.albPool),
    [ENV.nlbPool]: JSON.stringify(base.nlbPool),
    [ENV.transferBucket]: base.transferBucket,
  };
}
