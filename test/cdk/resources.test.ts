/**
 * The stateful and event-driven pieces: the table (from lambdas/store/table.ts), EFS, buckets,
 * log retention, EventBridge rules, the HTTP API, the console, the admin secret and the image.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_THROTTLE } from '../../cdk/lib/api.ts';
import { REPO_ROOT } from '../../cdk/lib/app.ts';
import { consoleAssets } from '../../cdk/lib/console.ts';
import { ENV } from '../../lambdas/config/env.ts';
import { INDEXES, KEYS, TTL_ATTRIBUTE, tableDefinition } from '../../lambdas/store/table.ts';
import { logicalId, resourcesOf, synthBerth } from './synth.ts';

const { app, stack, template } = synthBerth();
const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [logicalId(stack, construct), 'Arn'],
});

describe('the table', () => {
  it('is on-demand, recoverable to a point in time, encrypted, expiring items by TTL, and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('has exactly the keys and indexes lambdas/store/table.ts defines (what dynalite gets too)', () => {
    const [table] = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
    if (!table) throw new Error('no table');
    const props = table.Properties;
    const expected = tableDefinition('unused');
    expect(props.KeySchema).toEqual(expected.KeySchema);
    expect(props.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(props.AttributeDefinitions).toEqual(expect.arrayContaining(expected.AttributeDefinitions));
    expect(props.AttributeDefinitions).toHaveLength(expected.AttributeDefinitions.length);
    expect((props.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName)).toEqual(
      Object.values(INDEXES).map((i) => i.name),
    );
    expect(KEYS.partition).toBe('pk');
  });
});

describe('EFS', () => {
  it('is encrypted, backed up, retained, and refuses clear-text NFS', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      Properties: Match.objectLike({
        Encrypted: true,
        BackupPolicy: { Status: 'ENABLED' },
        FileSystemPolicy: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('has a mount target in each private subnet', () => {
    template.resourceCountIs('AWS::EFS::MountTarget', stack.network.vpc.privateSubnets.length);
  });
});

describe('the buckets', () => {
  const buckets = resourcesOf(template, 'AWS::S3::Bucket');
  const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'));

  it.each(Object.entries(buckets))('%s is encrypted, private and TLS-only', (id, { Properties: props }) => {
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }));
    expect(policy?.Properties.PolicyDocument).toEqual(
      expect.objectContaining({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    );
  });

  it('keeps transfers one day and sends new uploads/ objects to the ingest Lambda', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 1 })]) },
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalId(stack, stack.transfer.bucket) },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            LambdaFunctionArn: arnOf(stack.transfer.ingest),
          },
        ],
      },
    });
  });

  it("lets browsers PUT uploads from the console's origin only", () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: ['PUT'],
            AllowedOrigins: [
              {
                'Fn::Join': [
                  '',
                  [
                    'https://',
                    { 'Fn::GetAtt': [logicalId(stack, stack.console.distribution), 'DomainName'] },
                  ],
                ],
              },
            ],
          }),
        ],
      },
    });
  });

  it('logs the transfer and console buckets into the access log bucket', () => {
    const logged = Object.values(buckets).filter((b) => b.Properties?.LoggingConfiguration);
    expect(logged).toHaveLength(2);
  });
});

describe('logs', () => {
  it('gives every log group a retention', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const group of groups) expect(group.Properties?.RetentionInDays).toBe(30);
  });
});

describe('events', () => {
  it('routes task state changes of this cluster only to the events Lambda', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { clusterArn: [arnOf(stack.compute.cluster)] },
      },
      Targets: [Match.objectLike({ Arn: arnOf(stack.sessionEvents.taskEvents) })],
    });
  });

  it('ticks the reaper every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: arnOf(stack.sessionEvents.reaper) })],
    });
  });
});

describe('the API', () => {
  it('sends every route to the API Lambda', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: arnOf(stack.api.handler),
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });
});

describe('the console', () => {
  it('serves the private bucket through origin access control, and the API under /v1/*', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CacheBehaviors: [Match.objectLike({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' })],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('publishes web/dist when it is built, else the placeholder page', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'berth-console-'));
    expect(consoleAssets(root)).toBe(path.join(root, 'cdk', 'assets', 'console-placeholder'));
    mkdirSync(path.join(root, 'web', 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'web', 'dist', 'index.html'), '<!doctype html>');
    expect(consoleAssets(root)).toBe(path.join(root, 'web', 'dist'));
    expect(existsSync(path.join(consoleAssets(REPO_ROOT), 'index.html'))).toBe(true);
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});

describe('the admin key', () => {
  it('is generated by Secrets Manager and named to the API by its ARN', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false },
    });
    const secret = stack.node.findChild('Secrets').node.findChild('AdminKey');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [ENV.adminKeySecretArn]: { Ref: logicalId(stack, secret) } }),
      },
    });
  });
});

describe('the session cluster and image', () => {
  it('has Container Insights on', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('builds images/workspace/Dockerfile from the repository root, for linux/amd64, with BASE_IMAGE', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(app.outdir, `${stack.artifactId}.assets.json`), 'utf8'),
    ) as {
      dockerImages: Record<
        string,
        { source: { directory: string; dockerFile: string; dockerBuildArgs: object; platform: string } }
      >;
    };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    const [image] = images;
    expect(image?.source).toMatchObject({
      dockerFile: 'images/workspace/Dockerfile',
      dockerBuildArgs: { BASE_IMAGE: 'debian:bookworm' },
      platform: 'linux/amd64',
    });
    // Synth only stages the context (no Docker): the .dockerignore'd inputs plus the Dockerfile.
    const context = path.join(app.outdir, image?.source.directory ?? '');
    expect(existsSync(path.join(context, 'images', 'workspace', 'Dockerfile'))).toBe(true);
    expect(existsSync(path.join(context, 'lambdas', 'core', 'app-token.ts'))).toBe(true);
    expect(existsSync(path.join(context, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(context, 'cdk'))).toBe(false);
  });
});
