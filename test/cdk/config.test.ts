import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, FALLBACK_REGION, readConfig } from '../../cdk/lib/config.ts';

/** Context as `cdk` hands it over: cdk.json values typed, `-c key=value` values as strings. */
const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });
const read = (values: Record<string, unknown>, env: Record<string, string> = {}) =>
  readConfig(context(values), env);

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666';

describe('readConfig', () => {
  it('defaults to a new VPC, one ingress pair and the fallback region', () => {
    expect(read({})).toEqual({
      region: FALLBACK_REGION,
      maxSessionsPerUser: 3,
      maxActiveSessions: 20,
      maxCpu: 4,
      maxMemoryMiB: 8192,
      idleTimeoutMinutes: 60,
      ingressPoolSize: 1,
      baseImage: 'debian:bookworm',
      logRetention: RetentionDays.ONE_MONTH,
    });
  });

  it('takes the region the CDK CLI found when the context names none', () => {
    expect(read({}, { CDK_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(read({ region: 'ap-south-1' }, { CDK_DEFAULT_REGION: 'eu-west-1' }).region).toBe('ap-south-1');
  });

  it('parses -c strings and comma-separated lists', () => {
    const config = read({
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: 'us-east-1a, us-east-1b',
      publicSubnetIds: 'subnet-0a0a0a0a, subnet-0b0b0b0b',
      privateSubnetIds: ['subnet-0c0c0c0c', 'subnet-0d0d0d0d'],
      ingressPoolSize: '2',
      maxActiveSessions: '90',
      maxCpu: '0.5',
      domainName: '',
    });
    expect(config.vpc).toEqual({
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      publicSubnetIds: ['subnet-0a0a0a0a', 'subnet-0b0b0b0b'],
      privateSubnetIds: ['subnet-0c0c0c0c', 'subnet-0d0d0d0d'],
    });
    expect(config.ingressPoolSize).toBe(2);
    expect(config.maxCpu).toBe(0.5);
    expect(config.domainName).toBeUndefined();
  });

  it.each([
    [{ vpcId: 'vpc-1' }, /availabilityZones/],
    [{ vpcId: 'vpc-1', availabilityZones: 'a,b', publicSubnetIds: 's1,s2' }, /privateSubnetIds/],
    [
      { vpcId: 'vpc-1', availabilityZones: 'a,b', publicSubnetIds: 's1', privateSubnetIds: 's2,s3' },
      /publicSubnetIds/,
    ],
    [{ privateSubnetIds: 's1' }, /only make sense with "vpcId"/],
    [
      { vpcId: 'vpc-1', availabilityZones: 'a,b', publicSubnetIds: 's1,s2', privateSubnetIds: 's3,s4' },
      /not a VPC id/,
    ],
    [
      {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: 'a,b',
        publicSubnetIds: 's1,s2',
        privateSubnetIds: 's3,s4',
      },
      /not a subnet id: s1/,
    ],
    [{ domainName: 'example.com' }, /go together/],
    [{ certificateArn: CERT }, /go together/],
    [{ domainName: 'example.com', certificateArn: CERT, ingressPoolSize: 2 }, /ingressPoolSize" 1 only/],
    [{ domainName: 'example.com', certificateArn: 'arn:aws:iam::1:role/x' }, /not an ACM certificate/],
    [{ ingressPoolSize: 5 }, /from 1 to 4/],
    [{ maxActiveSessions: 51 }, /exceeds the ingress pool's 50 SSH listeners/],
    [{ maxSessionsPerUser: '2.5' }, /must be an integer/],
    [{ logRetentionDays: 31 }, /one CloudWatch Logs accepts/],
    [{ maxCpu: 32 }, /from 0.25 to 16/],
  ])('refuses %j', (values, message) => {
    expect(() => read(values)).toThrow(ConfigurationError);
    expect(() => read(values)).toThrow(message);
  });

  it('accepts a domain with its certificate, trailing dot or not', () => {
    const config = read({ domainName: 'berth.example.com.', certificateArn: CERT });
    expect(config.domainName).toBe('berth.example.com');
    expect(config.certificateArn).toBe(CERT);
  });
});
