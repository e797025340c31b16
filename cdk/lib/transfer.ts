/**
 * Big file transfer: clients PUT to presigned S3 URLs under uploads/, and the ingest Lambda (with
 * EFS mounted) moves each object into its owner's home. Objects are in transit only: one day.
 */

import { Duration, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { AccessPoint } from 'aws-cdk-lib/aws-efs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FileSystem as LambdaFileSystem } from 'aws-cdk-lib/aws-lambda';
import { S3EventSourceV2 } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Bucket, EventType, HttpMethods, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HOMES_MOUNT_PATH, WORK_UID } from '../../lambdas/config/aws.ts';
import { ENV } from '../../lambdas/config/env.ts';
import { UPLOAD_PREFIX } from '../../lambdas/drivers/aws/transfer-ingest.ts';
import { disposableBucketProps } from './buckets.ts';
import { berthFunction, type FunctionContext } from './function.ts';
import { LOG_LEVEL } from './lambda-environment.ts';
import { acknowledgeSingleton, managedPolicy, wildcardResource } from './nag.ts';
import type { Storage } from './storage.ts';

export interface TransferProps {
  logBucket: IBucket;
  /** for the ingest Lambda; its environment is its own (bucket and log level only) */
  functions: Omit<FunctionContext, 'environment'>;
  securityGroup: ISecurityGroup;
  storage: Storage;
}

export class Transfer extends Construct {
  readonly bucket: Bucket;
  /** writes as uid 1000 through an access point at the file system's root */
  readonly ingest: NodejsFunction;

  constructor(scope: Construct, id: string, props: TransferProps) {
    super(scope, id);
    // Nothing here outlives a day; on `cdk destroy` it goes with the stack.
    this.bucket = new Bucket(this, 'Bucket', {
      ...disposableBucketProps(props.logBucket, 'transfer/'),
      lifecycleRules: [
        { expiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    this.ingest = this.addIngest(props);
  }

  /** It needs no table and no cluster: its environment and role hold only the bucket and the mount. */
  private addIngest({ functions, securityGroup, storage }: TransferProps): NodejsFunction {
    const accessPoint = new AccessPoint(this, 'IngestAccessPoint', {
      fileSystem: storage.fileSystem,
      path: '/',
      posixUser: { uid: String(WORK_UID), gid: String(WORK_UID) },
    });
    const fn = berthFunction(
      this,
      'Ingest',
      { ...functions, environment: {} },
      {
        handler: 'ingest',
        description: 'Berth: move uploaded objects into users homes on EFS',
        securityGroup,
        // Large objects stream from S3 to EFS; Lambda's maximum.
        timeout: Duration.minutes(15),
        memorySize: 1024,
        filesystem: LambdaFileSystem.fromEfsAccessPoint(accessPoint, HOMES_MOUNT_PATH),
        environment: { [ENV.transferBucket]: this.bucket.bucketName, [ENV.logLevel]: LOG_LEVEL },
      },
    );
    storage.allowMountFrom(securityGroup);
    fn.addEventSource(
      new S3EventSourceV2(this.bucket, {
        events: [EventType.OBJECT_CREATED],
        filters: [{ prefix: UPLOAD_PREFIX }],
      }),
    );
    const uploads = this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: [uploads] }),
    );
    Validations.of(fn).acknowledge(
      {
        id: wildcardResource(fn, uploads),
        reason:
          'Upload keys are chosen at run time (uploads/{userId}/{path}); only that prefix of this bucket.',
      },
      {
        id: wildcardResource(fn, '*'),
        reason:
          "CDK's Lambda EFS grant: elasticfilesystem:ClientMount on '*' limited by the " +
          'elasticfilesystem:AccessPointArn condition to the ingest access point.',
      },
    );
    // S3 notifications are configured by a CDK-managed helper Lambda, one per stack.
    acknowledgeSingleton(this, 'BucketNotificationsHandler', {
      id: managedPolicy('service-role/AWSLambdaBasicExecutionRole'),
      reason: "CDK's own S3-notification helper: AWS-managed policy for writing its logs.",
    });
    return fn;
  }

  /** Presigned upload URLs are signed with the API's role, so the role must be allowed the PUT. */
  grantPresignUploads(grantee: NodejsFunction): void {
    const uploads = this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`);
    grantee.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [uploads] }));
    Validations.of(grantee).acknowledge({
      id: wildcardResource(grantee, uploads),
      reason: 'Presigned upload URLs name keys chosen at run time; only the uploads/ prefix of this bucket.',
    });
  }

  /** Browsers PUT straight to presigned URLs; only the console's origin may (the CLI needs no CORS). */
  allowBrowserUploadsFrom(origin: string): void {
    this.bucket.addCorsRule({
      allowedMethods: [HttpMethods.PUT],
      allowedOrigins: [origin],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 3600,
    });
  }
}
