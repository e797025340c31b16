/**
 * The web console: a private S3 bucket behind CloudFront (origin access control). The API is
 * served from the same origin under /v1/*, so the console needs no CORS and one URL is enough.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { disposableBucketProps } from './buckets.ts';
import { acknowledgeSingleton, managedPolicy, wildcardAction, wildcardResource } from './nag.ts';

export interface ConsoleProps {
  repoRoot: string;
  api: HttpApi;
  logBucket: IBucket;
  logRetention: RetentionDays;
}

/** The built console if there is one, else a page saying how to get it. */
export function consoleAssets(repoRoot: string): string {
  const built = path.join(repoRoot, 'web', 'dist');
  return existsSync(path.join(built, 'index.html'))
    ? built
    : path.join(repoRoot, 'cdk', 'assets', 'console-placeholder');
}

export class Console extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    // Rebuilt from web/ on every deploy: nothing to keep.
    this.bucket = new Bucket(this, 'Bucket', disposableBucketProps(props.logBucket, 'console/'));

    const apiDomain = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Berth console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edges: the cheapest class; others are served from the nearest of these.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain, { originSslProtocols: [OriginSslPolicy.TLS_V1_2] }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything the client sent (Authorization included) except Host, which API Gateway
          // needs to be its own name.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });

    const build = new Asset(this, 'Build', { path: consoleAssets(props.repoRoot) });
    new BucketDeployment(this, 'Deploy', {
      sources: [Source.bucket(build.bucket, build.s3ObjectKey)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'DeployLogs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // The copy runs in CDK's own helper Lambda (one per stack), with CDK's own grants.
    const helper = 'CDK BucketDeployment helper';
    acknowledgeSingleton(
      this,
      'Custom::CDKBucketDeployment',
      {
        id: managedPolicy('service-role/AWSLambdaBasicExecutionRole'),
        reason: `${helper}: AWS-managed policy for writing its logs.`,
      },
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: wildcardAction(action),
        reason: `${helper}: CDK's read (assets) and sync (console bucket) grants, on those two buckets only.`,
      })),
      {
        id: wildcardResource(this, `${this.bucket.bucketArn}/*`),
        reason: `${helper}: replaces every object of the console bucket with the new build.`,
      },
      {
        id: wildcardResource(this, build.bucket.arnForObjects('*')),
        reason: `${helper}: reads the uploaded build from the CDK bootstrap assets bucket.`,
      },
      {
        id: wildcardResource(this, '*'),
        reason: `${helper}: cloudfront:CreateInvalidation/GetInvalidation, as CDK grants them, to refresh the edge caches.`,
      },
      {
        id: 'AwsSolutions-L1',
        reason: `${helper}: its runtime is chosen and updated by CDK, not by this project.`,
      },
    );

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Berth serves its users wherever they are; an operator may add geo restrictions.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default (a web ACL is $5/month plus rules and requests): the API throttles at the ' +
          'gateway and authenticates every request; docs/deploy.md lists it as optional hardening.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate, whose viewer TLS policy CloudFront fixes; a custom ' +
          'console domain with its own certificate would allow TLSv1.2_2021.',
      },
    );
  }
}
