/**
 * One bucket for every access log the deployment writes: ALB/NLB, S3 server access, CloudFront and
 * VPC flow logs, each under its own prefix.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Long enough to investigate an incident reported a quarter late; short enough to cost little. */
export const ACCESS_LOG_EXPIRY_DAYS = 90;

export class AccessLogs extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      // Load balancer log delivery accepts only SSE-S3 buckets, not KMS.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront's standard logs are still written with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(ACCESS_LOG_EXPIRY_DAYS) }],
      // Logs are the audit trail of a deployment; they outlive it and expire on their own.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket; logging its own accesses into itself would loop.',
    });
  }
}
