import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, BucketEncryption, type BucketProps, type IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * A private, encrypted, TLS-only bucket whose contents the stack can rebuild or does not keep
 * (console assets, day-old uploads): it goes with the stack on `cdk destroy`.
 */
export function disposableBucketProps(logBucket: IBucket, logPrefix: string): BucketProps {
  return {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    serverAccessLogsBucket: logBucket,
    serverAccessLogsPrefix: logPrefix,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  };
}
