/**
 * The whole AWS deployment in one stack: each feature is a construct in its own file, and this
 * file only wires them — who may reach whom, who may do what, and which names go to the Lambdas.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { AGENT_PORT } from '../../lambdas/config/aws.ts';
import { AccessLogs } from './access-logs.ts';
import { Api } from './api.ts';
import { Compute } from './compute.ts';
import type { BerthConfig } from './config.ts';
import { Console } from './console.ts';
import { SessionEvents } from './events.ts';
import type { FunctionContext } from './function.ts';
import { Ingress } from './ingress.ts';
import { lambdaEnvironment, sessionDomain } from './lambda-environment.ts';
import { Network } from './network.ts';
import { Secrets } from './secrets.ts';
import { State } from './state.ts';
import { Storage } from './storage.ts';
import { Transfer } from './transfer.ts';

export interface BerthStackProps extends StackProps {
  config: BerthConfig;
  /** the repository: Docker build context, Lambda sources, console assets */
  repoRoot: string;
}

export class BerthStack extends Stack {
  readonly network: Network;
  readonly state: State;
  readonly storage: Storage;
  readonly compute: Compute;
  readonly ingress: Ingress;
  readonly transfer: Transfer;
  readonly api: Api;
  readonly sessionEvents: SessionEvents;
  readonly console: Console;
  /** the Lambdas that run the core: API, task events, reaper */
  readonly controlPlane: NodejsFunction[];

  constructor(scope: Construct, id: string, props: BerthStackProps) {
    super(scope, id, props);
    const { config, repoRoot } = props;

    const logs = new AccessLogs(this, 'AccessLogs');
    this.network = new Network(this, 'Network', {
      ...(config.vpc ? { existing: config.vpc } : {}),
      logBucket: logs.bucket,
    });
    const { vpc, privateSubnets, publicSubnets } = this.network;

    this.state = new State(this, 'State');
    this.storage = new Storage(this, 'Storage', { vpc, subnets: privateSubnets });
    this.compute = new Compute(this, 'Compute', {
      vpc,
      repoRoot,
      baseImage: config.baseImage,
      logRetention: config.logRetention,
    });
    this.storage.grantMount(this.compute.taskRole);
    this.storage.allowMountFrom(this.compute.taskSecurityGroup);

    this.ingress = new Ingress(this, 'Ingress', {
      vpc,
      subnets: publicSubnets,
      poolSize: config.ingressPoolSize,
      ...(config.certificateArn ? { certificateArn: config.certificateArn } : {}),
      logBucket: logs.bucket,
      taskSecurityGroup: this.compute.taskSecurityGroup,
    });
    const functionBase = { repoRoot, vpc, subnets: privateSubnets, logRetention: config.logRetention };

    const ingestGroup = new SecurityGroup(this, 'IngestSecurityGroup', {
      vpc,
      description: 'Berth ingest Lambda: S3 and EFS only',
      allowAllOutbound: false,
    });
    ingestGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'S3 (gateway endpoint or NAT)');
    this.transfer = new Transfer(this, 'Transfer', {
      logBucket: logs.bucket,
      functions: functionBase,
      securityGroup: ingestGroup,
      storage: this.storage,
    });
    const secrets = new Secrets(this, 'Secrets');

    // The core's Lambdas: AWS APIs over HTTPS, and the agents' activity endpoint on the tasks.
    const controlPlaneGroup = new SecurityGroup(this, 'ControlPlaneSecurityGroup', {
      vpc,
      description: 'Berth control-plane Lambdas: AWS APIs and session agents',
      allowAllOutbound: false,
    });
    controlPlaneGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'AWS APIs (NAT, gateway endpoints)');
    this.compute.taskSecurityGroup.connections.allowFrom(
      controlPlaneGroup,
      Port.tcp(AGENT_PORT),
      'activity pull from the control plane',
    );

    const functions: FunctionContext = {
      ...functionBase,
      environment: lambdaEnvironment({
        config,
        vpc,
        subnets: privateSubnets,
        state: this.state,
        storage: this.storage,
        compute: this.compute,
        ingress: this.ingress,
        transferBucketName: this.transfer.bucket.bucketName,
      }),
    };

    this.api = new Api(this, 'Api', {
      functions,
      securityGroup: controlPlaneGroup,
      adminKey: secrets.adminKey,
    });
    this.sessionEvents = new SessionEvents(this, 'Events', {
      functions,
      securityGroup: controlPlaneGroup,
      cluster: this.compute.cluster,
    });
    this.controlPlane = [this.api.handler, this.sessionEvents.taskEvents, this.sessionEvents.reaper];
    for (const fn of this.controlPlane) {
      this.state.grantReadWrite(fn);
      this.compute.grantTaskControl(fn);
      this.ingress.grantSessionRouting(fn);
    }
    // Homes are made on first launch, which only the API starts.
    this.storage.grantAccessPointControl(this.api.handler);
    this.transfer.grantPresignUploads(this.api.handler);

    this.console = new Console(this, 'Console', {
      repoRoot,
      api: this.api.httpApi,
      logBucket: logs.bucket,
      logRetention: config.logRetention,
    });
    this.transfer.allowBrowserUploadsFrom(`https://${this.console.distribution.distributionDomainName}`);

    new CfnOutput(this, 'ConsoleUrl', {
      description: 'Web console; the API is also served here under /v1/',
      value: `https://${this.console.distribution.distributionDomainName}`,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'API Gateway endpoint',
      value: this.api.httpApi.apiEndpoint,
    });
    new CfnOutput(this, 'AdminKeySecretArn', {
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString',
      value: secrets.adminKey.secretArn,
    });
    this.ingress.albs.forEach((alb, i) => {
      new CfnOutput(this, `AppLoadBalancer${i}`, {
        description: config.domainName
          ? `Point *.${sessionDomain(config.domainName)} here (CNAME or alias)`
          : 'Browser apps are served from this name over HTTP',
        value: alb.loadBalancerDnsName,
      });
    });
  }
}
