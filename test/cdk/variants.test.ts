/**
 * The configurations other than the default: a domain with HTTPS, an existing VPC, a larger
 * ingress pool. Each synthesizes once (without bundling: lambdas.test.ts covers that).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/config/env.ts';
import { resourcesOf, synthBerth } from './synth.ts';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666';

describe('with a domain and a certificate', () => {
  const { stack, template } = synthBerth({
    context: { domainName: 'berth.example.com', certificateArn: CERT },
  });

  it('serves session rules on an HTTPS listener with the certificate and a modern TLS policy', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
    const [listener] = stack.ingress.sessionListeners;
    const env = Object.values(resourcesOf(template, 'AWS::Lambda::Function'))
      .map(
        (f) => (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .find((vars) => vars?.[ENV.albPool] !== undefined);
    expect(JSON.stringify(env?.[ENV.albPool])).toContain(
      JSON.stringify(stack.resolve(listener?.listenerArn)),
    );
  });

  it('redirects plain HTTP to HTTPS and opens 443', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS' }) }),
      ],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443 })]),
    });
  });

  it('tells the Lambdas the sessions domain', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.domain]: 'sessions.berth.example.com' }) },
    });
  });
});

describe('in an existing VPC', () => {
  const { template } = synthBerth({
    context: {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: 'us-east-1a,us-east-1b',
      publicSubnetIds: 'subnet-0a0a0a0a0a0a0a0a1,subnet-0b0b0b0b0b0b0b0b1',
      privateSubnetIds: 'subnet-0a0a0a0a0a0a0a0a2,subnet-0b0b0b0b0b0b0b0b2',
    },
  });

  it('makes no network of its own', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog']) {
      template.resourceCountIs(type, 0);
    }
  });

  it('puts the Lambdas and mount targets in the private subnets and the load balancers in the public ones', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0a0a0a0a0a0a0a0a2', 'subnet-0b0b0b0b0b0b0b0b2'] }),
      Environment: {
        Variables: Match.objectLike({
          [ENV.subnetIds]: 'subnet-0a0a0a0a0a0a0a0a2,subnet-0b0b0b0b0b0b0b0b2',
          [ENV.vpcId]: 'vpc-0123456789abcdef0',
        }),
      },
    });
    template.hasResourceProperties('AWS::EFS::MountTarget', { SubnetId: 'subnet-0a0a0a0a0a0a0a0a2' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Subnets: ['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0b0b0b0b0b0b0b0b1'],
    });
  });
});

describe('with an ingress pool of three', () => {
  const { stack, template } = synthBerth({ context: { ingressPoolSize: 3, maxActiveSessions: 150 } });

  it('makes three ALBs and three NLBs and hands all of them to the Lambdas', () => {
    template.resourcePropertiesCountIs(
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      { Type: 'application' },
      3,
    );
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 3);
    const env = Object.values(resourcesOf(template, 'AWS::Lambda::Function'))
      .map(
        (f) => (f.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .find((vars) => vars?.[ENV.albPool] !== undefined);
    const albPool = JSON.stringify(env?.[ENV.albPool]);
    const nlbPool = JSON.stringify(env?.[ENV.nlbPool]);
    for (const alb of stack.ingress.albs)
      expect(albPool).toContain(JSON.stringify(stack.resolve(alb.loadBalancerArn)));
    for (const nlb of stack.ingress.nlbs)
      expect(nlbPool).toContain(JSON.stringify(stack.resolve(nlb.loadBalancerArn)));
  });

  it('lets the Lambdas add rules and listeners on every pool member', () => {
    const policy = JSON.stringify(resourcesOf(template, 'AWS::IAM::Policy'));
    for (const alb of stack.ingress.albs) {
      expect(policy).toContain(JSON.stringify(stack.resolve(alb.loadBalancerFullName)));
    }
    for (const nlb of stack.ingress.nlbs) {
      expect(policy).toContain(JSON.stringify(stack.resolve(nlb.loadBalancerArn)));
    }
  });
});
