/**
 * The ingress pool: N internet-facing ALBs (browser apps, one rule + target group per session)
 * and N NLBs (SSH, one TCP listener per session on the session's port). A pool because AWS caps
 * target groups per ALB at 100 and listeners per NLB at 50. The Lambdas add and remove the
 * per-session pieces; this construct owns the load balancers, their security groups and what the
 * Lambdas may change on them.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { type IVpc, Peer, Port, SecurityGroup, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  ApplicationLoadBalancer,
  ApplicationProtocol,
  type IApplicationListener,
  ListenerAction,
  ListenerCertificate,
  NetworkLoadBalancer,
  SslPolicy,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { AGENT_PORT, TAG, TASK_SSH_PORT } from '../../lambdas/config/aws.ts';
import { SSH_PORT_RANGE } from '../../lambdas/core/names.ts';
import { APP_TG_PREFIX, SSH_TG_PREFIX } from '../../lambdas/drivers/aws/ingress-names.ts';
import { wildcardAction, wildcardResource } from './nag.ts';

export interface IngressProps {
  vpc: IVpc;
  subnets: SubnetSelection;
  poolSize: number;
  /** HTTPS on the ALBs when given, else plain HTTP */
  certificateArn?: string;
  logBucket: IBucket;
  /** the session tasks' group: gets 8080 from the ALBs and 2222 from the NLBs, nothing else */
  taskSecurityGroup: SecurityGroup;
}

/** Shapes of BERTH_ALB_POOL / BERTH_NLB_POOL (lambdas/config/env.ts). */
export interface AlbPoolEntry {
  loadBalancerArn: string;
  listenerArn: string;
  dnsName: string;
}
export interface NlbPoolEntry {
  loadBalancerArn: string;
  dnsName: string;
}

/** What a request that matches no session gets: problem+json, like every other Berth error. */
const NOT_FOUND = JSON.stringify({
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  detail: 'No session is served at this address.',
});

export class Ingress extends Construct {
  readonly albs: ApplicationLoadBalancer[] = [];
  readonly nlbs: NetworkLoadBalancer[] = [];
  /** the listener of each ALB that session rules are added to */
  readonly sessionListeners: IApplicationListener[] = [];
  readonly albSecurityGroup: SecurityGroup;
  readonly nlbSecurityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);

    this.albSecurityGroup = new SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      description: 'Berth ALBs: web from anywhere, out only to session agents',
      allowAllOutbound: false,
    });
    this.albSecurityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.tcp(80),
      'HTTP (redirects to HTTPS with a certificate)',
    );
    if (props.certificateArn) this.albSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS');

    this.nlbSecurityGroup = new SecurityGroup(this, 'NlbSecurityGroup', {
      vpc: props.vpc,
      description: 'Berth NLBs: SSH session ports from anywhere, out only to session sshd',
      allowAllOutbound: false,
    });
    this.nlbSecurityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.tcpRange(SSH_PORT_RANGE.min, SSH_PORT_RANGE.max),
      'SSH session ports',
    );
    const internetFacing =
      'Internet-facing by design: users reach their sessions from anywhere; sessions still need ' +
      'an app token (ALB) or the session key (SSH), and tasks accept only this group.';
    for (const group of [this.albSecurityGroup, this.nlbSecurityGroup]) {
      Validations.of(group).acknowledge({ id: 'AwsSolutions-EC23', reason: internetFacing });
    }
    // cfn-lint flags the range because it includes well-known database ports (27017, 50000…);
    // behind it is only sshd on 2222 (see the task group's ingress below).
    Validations.of(this.nlbSecurityGroup).acknowledge({
      id: 'CloudFormation-Validate::W2508',
      reason: internetFacing,
    });

    // connections.allowFrom writes both sides: ingress on the task group, egress on the LB group.
    props.taskSecurityGroup.connections.allowFrom(
      this.albSecurityGroup,
      Port.tcp(AGENT_PORT),
      'session agent from the ALBs',
    );
    props.taskSecurityGroup.connections.allowFrom(
      this.nlbSecurityGroup,
      Port.tcp(TASK_SSH_PORT),
      'sshd from the NLBs',
    );

    for (let i = 0; i < props.poolSize; i++) {
      const alb = new ApplicationLoadBalancer(this, `Alb${i}`, {
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        internetFacing: true,
        securityGroup: this.albSecurityGroup,
        // Jupyter and terminal WebSockets sit silent while a user reads; 60 s would cut them.
        idleTimeout: Duration.seconds(3600),
        dropInvalidHeaderFields: true,
      });
      alb.logAccessLogs(props.logBucket, `alb-${i}`);
      this.albs.push(alb);
      this.sessionListeners.push(this.addListeners(alb, props.certificateArn));

      const nlb = new NetworkLoadBalancer(this, `Nlb${i}`, {
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        internetFacing: true,
        securityGroups: [this.nlbSecurityGroup],
        // A session's task lives in one zone; without cross-zone, clients resolving the other
        // zone's address would get no answer.
        crossZoneEnabled: true,
      });
      // NLBs write access logs for TLS listeners only; SSH is plain TCP, so this records nothing
      // today, and is ready if a TLS listener is ever added.
      nlb.logAccessLogs(props.logBucket, `nlb-${i}`);
      this.nlbs.push(nlb);
    }
  }

  private addListeners(
    alb: ApplicationLoadBalancer,
    certificateArn: string | undefined,
  ): IApplicationListener {
    const defaultAction = ListenerAction.fixedResponse(404, {
      contentType: 'application/json',
      messageBody: NOT_FOUND,
    });
    // open: false, because the security group above already states who may connect.
    if (!certificateArn) {
      return alb.addListener('Http', {
        protocol: ApplicationProtocol.HTTP,
        port: 80,
        open: false,
        defaultAction,
      });
    }
    alb.addRedirect({ open: false });
    return alb.addListener('Https', {
      protocol: ApplicationProtocol.HTTPS,
      port: 443,
      open: false,
      certificates: [ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: SslPolicy.RECOMMENDED_TLS,
      defaultAction,
    });
  }

  albPool(): AlbPoolEntry[] {
    return this.albs.map((alb, i) => {
      const listener = this.sessionListeners[i];
      if (!listener) throw new Error(`ALB ${i} has no session listener`);
      return {
        loadBalancerArn: alb.loadBalancerArn,
        listenerArn: listener.listenerArn,
        dnsName: alb.loadBalancerDnsName,
      };
    });
  }

  nlbPool(): NlbPoolEntry[] {
    return this.nlbs.map((nlb) => ({
      loadBalancerArn: nlb.loadBalancerArn,
      dnsName: nlb.loadBalancerDnsName,
    }));
  }

  /**
   * Per session: a target group (tagged at creation, so the tag then scopes every later change),
   * a rule on our ALB listener, a TCP listener on our NLB.
   */
  grantSessionRouting(grantee: IGrantable & IConstruct): void {
    const stack = Stack.of(this);
    const policy = grantee.grantPrincipal;
    const elb = (resource: string) => stack.formatArn({ service: 'elasticloadbalancing', resource });
    // Only the names the Lambdas give (lambdas/drivers/aws/ingress-names.ts), and only when tagged.
    const targetGroups = [APP_TG_PREFIX, SSH_TG_PREFIX].map((prefix) => elb(`targetgroup/${prefix}*/*`));
    const rules = this.albs.map((alb) => elb(`listener-rule/${alb.loadBalancerFullName}/*`));
    const nlbListeners = this.nlbs.map((nlb) => elb(`listener/${nlb.loadBalancerFullName}/*`));
    // The Lambdas tag everything they make with berth:managed=true (lambdas/config/aws.ts TAG).
    const tagged = { StringEquals: { [`aws:ResourceTag/${TAG.managed}`]: 'true' } };

    policy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['elasticloadbalancing:Describe*'], resources: ['*'] }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticloadbalancing:CreateTargetGroup'],
        resources: targetGroups,
        conditions: { StringEquals: { [`aws:RequestTag/${TAG.managed}`]: 'true' } },
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:RegisterTargets',
          'elasticloadbalancing:DeregisterTargets',
        ],
        resources: targetGroups,
        conditions: tagged,
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticloadbalancing:CreateRule'],
        resources: this.sessionListeners.map((listener) => listener.listenerArn),
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['elasticloadbalancing:DeleteRule'], resources: rules }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticloadbalancing:CreateListener'],
        resources: this.nlbs.map((nlb) => nlb.loadBalancerArn),
      }),
    );
    policy.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['elasticloadbalancing:DeleteListener'], resources: nlbListeners }),
    );
    // Tags only as part of creating one of the above, never on anything else.
    policy.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['elasticloadbalancing:AddTags'],
        resources: [...targetGroups, ...rules, ...nlbListeners],
        conditions: {
          StringEquals: {
            'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateRule', 'CreateListener'],
          },
        },
      }),
    );
    Validations.of(grantee).acknowledge(
      {
        id: wildcardAction('elasticloadbalancing:Describe*'),
        reason: 'Read-only; ELB Describe actions have no resource-level permissions.',
      },
      {
        id: wildcardResource(grantee, '*'),
        reason: 'Only for elasticloadbalancing:Describe*, which has no resource-level permissions.',
      },
      ...targetGroups.map((arn) => ({
        id: wildcardResource(grantee, arn),
        reason:
          'Target groups are made per session at run time; limited to the names the Lambdas give and, ' +
          'after creation, to groups tagged berth:managed=true.',
      })),
      ...rules.map((arn) => ({
        id: wildcardResource(grantee, arn),
        reason: 'Listener rules are made per session at run time, on this ALB only.',
      })),
      ...nlbListeners.map((arn) => ({
        id: wildcardResource(grantee, arn),
        reason: 'SSH listeners are made per session at run time, on this NLB only.',
      })),
    );
  }
}
