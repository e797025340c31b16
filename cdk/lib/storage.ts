/**
 * EFS for users' homes. Access points (one per user, rooted at /users/{id}, uid 1000) are made at
 * run time by the Lambdas; this construct owns the file system and who may make and mount them.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type IConnectable, type IVpc, SecurityGroup, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  FileSystem,
  LifecyclePolicy,
  OutOfInfrequentAccessPolicy,
  PerformanceMode,
  ThroughputMode,
} from 'aws-cdk-lib/aws-efs';
import { AnyPrincipal, Effect, type IGrantable, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { wildcardResource } from './nag.ts';

export interface StorageProps {
  vpc: IVpc;
  subnets: SubnetSelection;
}

export class Storage extends Construct {
  readonly fileSystem: FileSystem;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    this.fileSystem = new FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      // NFS servers answer, they never call out; ingress is added per client below.
      securityGroup: new SecurityGroup(this, 'MountTargetSecurityGroup', {
        vpc: props.vpc,
        description: 'Berth EFS mount targets: NFS from session tasks and the ingest Lambda',
        allowAllOutbound: false,
      }),
      encrypted: true,
      performanceMode: PerformanceMode.GENERAL_PURPOSE,
      // Pay per byte moved: homes are mostly idle, with bursts when a session starts.
      throughputMode: ThroughputMode.ELASTIC,
      // Homes of people who stopped coming back move to the cheaper class, and back on first use.
      lifecyclePolicy: LifecyclePolicy.AFTER_30_DAYS,
      outOfInfrequentAccessPolicy: OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      enableAutomaticBackups: true,
      // Users' files: never deleted by `cdk destroy`.
      removalPolicy: RemovalPolicy.RETAIN,
      // CDK's flag would add "any principal may write and be root once mounted"; this policy holds
      // no Allow at all, so every mount needs an identity policy (task role, ingest Lambda) and
      // nobody gets ClientRootAccess: no anonymous NFS, no root, never in clear text.
      allowAnonymousAccess: true,
      fileSystemPolicy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'DenyUnencryptedTransport',
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['*'],
            conditions: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      }),
    });
  }

  /** NFS from session tasks and the Lambdas that mount homes. */
  allowMountFrom(peer: IConnectable): void {
    this.fileSystem.connections.allowDefaultPortFrom(peer);
  }

  /**
   * What a session task needs to mount and write its owner's home. Only through an access point
   * (which pins uid 1000 and the owner's directory): code in a session holds the task role's
   * credentials and reaches the mount targets, so a grant on the bare file system would let it
   * mount the root and read every home.
   */
  grantMount(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [this.fileSystem.fileSystemArn],
        conditions: { ArnLike: { 'elasticfilesystem:AccessPointArn': this.accessPointArns() } },
      }),
    );
  }

  private accessPointArns(): string {
    return Stack.of(this).formatArn({
      service: 'elasticfilesystem',
      resource: 'access-point',
      resourceName: '*',
    });
  }

  /** The Lambdas make one access point per user on first launch, tagged at creation. */
  grantAccessPointControl(grantee: IGrantable & IConstruct): void {
    const accessPoints = this.accessPointArns();
    // DescribeAccessPoints by FileSystemId is authorized on the file system, not the access points.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticfilesystem:CreateAccessPoint', 'elasticfilesystem:DescribeAccessPoints'],
        resources: [this.fileSystem.fileSystemArn],
      }),
    );
    // Access point ARNs do not name their file system; tagging is allowed only inside
    // CreateAccessPoint, so existing access points (of any file system) cannot be retagged.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticfilesystem:TagResource'],
        resources: [accessPoints],
        conditions: { StringEquals: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' } },
      }),
    );
    Validations.of(grantee).acknowledge({
      id: wildcardResource(grantee, accessPoints),
      reason:
        'The ARN of an access point being created is unknown beforehand; the permission holds only ' +
        'inside CreateAccessPoint (elasticfilesystem:CreateAction), which is limited to this file system.',
    });
  }
}
