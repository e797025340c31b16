/**
 * Session compute: the ECS cluster, the workspace image, and the two roles every session task runs
 * with. Task definitions are registered by the Lambdas at run time (one per image, size and home), so
 * this construct also owns what they may do to the cluster.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type IVpc, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Cluster, ContainerInsights } from 'aws-cdk-lib/aws-ecs';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct, type IConstruct } from 'constructs';
import { TASK_FAMILY_PREFIX } from '../../lambdas/drivers/aws/task-definitions.ts';
import { wildcardResource } from './nag.ts';

export interface ComputeProps {
  vpc: IVpc;
  /** the build context of images/workspace/Dockerfile */
  repoRoot: string;
  /** BASE_IMAGE build argument */
  baseImage: string;
  logRetention: RetentionDays;
}

export class Compute extends Construct {
  readonly cluster: Cluster;
  readonly image: DockerImageAsset;
  readonly taskRole: Role;
  readonly executionRole: Role;
  readonly logGroup: LogGroup;
  /** on every session task; the load balancers and the Lambdas add their ingress to it */
  readonly taskSecurityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: ComputeProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.cluster = new Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });

    this.image = new DockerImageAsset(this, 'WorkspaceImage', {
      directory: props.repoRoot,
      file: 'images/workspace/Dockerfile',
      buildArgs: { BASE_IMAGE: props.baseImage },
      // RegisterTaskDefinition defaults to X86_64; an image built on an ARM laptop would not start.
      platform: Platform.LINUX_AMD64,
      // The repository's .dockerignore lists the image's inputs (`*` then `!…`); CDK re-includes
      // only a top-level Dockerfile, so without this the staged context would lack ours and its
      // edits would not change the asset hash.
      exclude: ['!images/workspace/Dockerfile'],
    });

    this.logGroup = new LogGroup(this, 'SessionLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Pulls the image and writes the container's logs; nothing else.
    this.executionRole = new Role(this, 'TaskExecutionRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    this.image.repository.grantPull(this.executionRole);
    this.logGroup.grantWrite(this.executionRole);
    Validations.of(this.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions; AWS requires "*".',
    });

    // What code inside a session can do with AWS: mount its home (Storage grants that). Users'
    // own AWS access belongs in their own credentials, not in this role.
    // Confused-deputy guard (documented by ECS for task roles): only ECS tasks of this account.
    this.taskRole = new Role(this, 'TaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*' }) },
      }),
    });

    this.taskSecurityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Berth session tasks: ingress only from the load balancers and the control plane',
      // Sessions are workstations: git, pip, apt and users' own services need the internet.
      allowAllOutbound: true,
    });
  }

  /**
   * Register task definitions, run/stop/observe tasks on this cluster only, and hand them the two
   * session roles.
   */
  grantTaskControl(grantee: IGrantable & IConstruct): void {
    const stack = Stack.of(this);
    const policy = grantee.grantPrincipal;
    const onThisCluster = { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } };
    // Only the families the Lambdas register (lambdas/drivers/aws/task-definitions.ts), any revision.
    const taskDefinitions = stack.formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${TASK_FAMILY_PREFIX}*:*`,
    });
    const tasks = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${this.cluster.clusterName}/*`,
    });

    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [taskDefinitions],
        conditions: onThisCluster,
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
        resources: [tasks],
        conditions: onThisCluster,
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ecs:ListTasks'], resources: ['*'], conditions: onThisCluster }),
    );
    // RunTask and RegisterTaskDefinition with tags are authorized for tagging separately.
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecs:TagResource'],
        resources: [tasks, taskDefinitions],
        conditions: { StringEquals: { 'ecs:CreateAction': ['RunTask', 'RegisterTaskDefinition'] } },
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskRole.roleArn, this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
    Validations.of(grantee).acknowledge(
      {
        id: wildcardResource(grantee, '*'),
        reason:
          'ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition have no resource-level permissions; ' +
          'ecs:ListTasks is limited by the ecs:cluster condition to this cluster.',
      },
      {
        id: wildcardResource(grantee, taskDefinitions),
        reason:
          'Task definitions are registered at run time, one family per image, size and home, named by a ' +
          'hash; RunTask is further limited by the ecs:cluster condition to this cluster.',
      },
      {
        id: wildcardResource(grantee, tasks),
        reason:
          'Task ids are made by RunTask; the ARN pattern and the ecs:cluster condition pin this cluster.',
      },
    );
  }
}
