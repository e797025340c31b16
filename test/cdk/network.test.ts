/**
 * Who may reach whom: session tasks accept only the load balancers (and the control plane's
 * activity pull), the load balancers accept the world on their listener ports only, and the
 * default VPC layout. Variants (HTTPS, imported VPC, larger pools) are in variants.test.ts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { AGENT_PORT, TASK_SSH_PORT } from '../../lambdas/config/aws.ts';
import { SSH_PORT_RANGE } from '../../lambdas/core/names.ts';
import { logicalId, resourcesOf, synthBerth } from './synth.ts';

const { stack, template } = synthBerth();

const groupId = (group: ISecurityGroup) => ({ 'Fn::GetAtt': [logicalId(stack, group), 'GroupId'] });
const groupOf = (path: string) => stack.node.findChild(path) as ISecurityGroup;

interface Rule {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  CidrIpv6?: string;
  SourceSecurityGroupId?: unknown;
  DestinationSecurityGroupId?: unknown;
}

/** Inline rules of the group plus the separate rule resources that target it. */
function rules(group: ISecurityGroup, direction: 'Ingress' | 'Egress'): Rule[] {
  const id = logicalId(stack, group);
  const inline = (resourcesOf(template, 'AWS::EC2::SecurityGroup')[id]?.Properties?.[
    `SecurityGroup${direction}`
  ] ?? []) as Rule[];
  const separate = Object.values(resourcesOf(template, `AWS::EC2::SecurityGroup${direction}`))
    .filter((r) => JSON.stringify(r.Properties?.GroupId) === JSON.stringify(groupId(group)))
    .map((r) => r.Properties as unknown as Rule);
  return [...inline, ...separate];
}
const shape = (r: Rule) => ({
  port: r.FromPort === r.ToPort ? r.FromPort : `${r.FromPort}-${r.ToPort}`,
  from: r.CidrIp ?? r.CidrIpv6 ?? r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId,
});

const task = stack.compute.taskSecurityGroup;
const alb = stack.ingress.albSecurityGroup;
const nlb = stack.ingress.nlbSecurityGroup;
const controlPlane = groupOf('ControlPlaneSecurityGroup');
const ingest = groupOf('IngestSecurityGroup');

describe('the session task security group', () => {
  it('accepts the agent port from the ALBs and the control plane, and sshd from the NLBs, only', () => {
    expect(rules(task, 'Ingress').map(shape)).toEqual(
      expect.arrayContaining([
        { port: AGENT_PORT, from: groupId(alb) },
        { port: TASK_SSH_PORT, from: groupId(nlb) },
        { port: AGENT_PORT, from: groupId(controlPlane) },
      ]),
    );
    expect(rules(task, 'Ingress')).toHaveLength(3);
  });

  it('accepts nothing from an address range', () => {
    for (const rule of rules(task, 'Ingress')) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.CidrIpv6).toBeUndefined();
    }
  });
});

describe('the load balancer security groups', () => {
  it('open the ALBs on HTTP only when no certificate is given, and send only to the agent port', () => {
    expect(rules(alb, 'Ingress').map(shape)).toEqual([{ port: 80, from: '0.0.0.0/0' }]);
    expect(rules(alb, 'Egress').map(shape)).toEqual([{ port: AGENT_PORT, from: groupId(task) }]);
  });

  it('open the NLBs on the SSH session port range, and send only to sshd', () => {
    expect(rules(nlb, 'Ingress').map(shape)).toEqual([
      { port: `${SSH_PORT_RANGE.min}-${SSH_PORT_RANGE.max}`, from: '0.0.0.0/0' },
    ]);
    expect(rules(nlb, 'Egress').map(shape)).toEqual([{ port: TASK_SSH_PORT, from: groupId(task) }]);
  });
});

describe('the Lambda security groups', () => {
  it('let the control plane out on HTTPS and to the agents only', () => {
    expect(rules(controlPlane, 'Egress').map(shape)).toEqual([
      { port: 443, from: '0.0.0.0/0' },
      { port: AGENT_PORT, from: groupId(task) },
    ]);
  });

  it('let ingest out on HTTPS and NFS only', () => {
    expect(rules(ingest, 'Egress').map(shape)).toEqual([
      { port: 443, from: '0.0.0.0/0' },
      { port: 2049, from: groupId(stack.storage.fileSystem.connections.securityGroups[0] as ISecurityGroup) },
    ]);
  });

  it('let only session tasks and ingest mount EFS', () => {
    const efs = stack.storage.fileSystem.connections.securityGroups[0] as ISecurityGroup;
    expect(rules(efs, 'Ingress').map(shape)).toEqual([
      { port: 2049, from: groupId(task) },
      { port: 2049, from: groupId(ingest) },
    ]);
  });
});

describe('the ingress pool', () => {
  it('has internet-facing ALBs with long idle timeouts (WebSockets) and access logs', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      SecurityGroups: [groupId(alb)],
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: '3600' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  it('has internet-facing cross-zone NLBs behind their own security group, with no listener yet', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
      SecurityGroups: [groupId(nlb)],
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
    });
    const nlbId = logicalId(stack, stack.ingress.nlbs[0] as never);
    const listeners = Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.filter((l) => JSON.stringify(l.Properties?.LoadBalancerArn).includes(nlbId))).toEqual(
      [],
    );
  });

  it('answers unknown paths with a problem+json 404 on plain HTTP', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: {
            StatusCode: '404',
            ContentType: 'application/json',
            MessageBody: Match.anyValue(),
          },
        },
      ],
    });
  });

  it('puts the load balancers in the public subnets', () => {
    const publicSubnets = stack.network.vpc.publicSubnets.map((s) => stack.resolve(s.subnetId));
    for (const lb of Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'))) {
      expect(lb.Properties?.Subnets).toEqual(publicSubnets);
    }
  });
});

describe('the VPC it makes', () => {
  it('spans two zones with one NAT gateway, S3/DynamoDB gateway endpoints and flow logs', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.hasResourceProperties('AWS::EC2::FlowLog', { LogDestinationType: 's3', TrafficType: 'ALL' });
  });
});
