/**
 * S3 ObjectCreated in the transfer bucket -> the file in the user's home on EFS (mounted at
 * HOMES_MOUNT_PATH), then the object is deleted. Needs no table and no core: only S3 and the mount.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { HOMES_MOUNT_PATH } from '../config/aws.ts';
import { ENV } from '../config/env.ts';
import { errorMessage, type Log } from '../core/log.ts';
import { createAwsClients } from '../drivers/aws/clients.ts';
import { decodeS3Key, ingestObject, UnsafeUploadKey } from '../drivers/aws/transfer-ingest.ts';
import type { InvocationContext, S3Event } from './lambda-types.ts';
import { lambdaLog } from './log.ts';

export interface IngestDeps {
  s3: S3Client;
  mountRoot: string;
  log: Log;
  /** when set, objects of other buckets are ignored */
  bucket?: string;
}

export interface IngestResult {
  copied: string[];
  refused: string[];
}

export function createIngestHandler(deps: IngestDeps) {
  return async (event: S3Event): Promise<IngestResult> => {
    const result: IngestResult = { copied: [], refused: [] };
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      if (deps.bucket && bucket !== deps.bucket) continue;
      try {
        const target = await ingestObject(deps.s3, bucket, record.s3.object.key, deps.mountRoot);
        result.copied.push(target.file);
        deps.log.info('upload copied into home', { userId: target.userId, bytes: record.s3.object.size });
      } catch (error) {
        // Anything but a refused key is thrown, so S3's retries try again.
        if (!(error instanceof UnsafeUploadKey)) throw error;
        result.refused.push(record.s3.object.key);
        deps.log.warn('upload refused', { reason: error.message });
        // Nothing will ever take a refused object: do not keep it around.
        await deps.s3.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: decodeS3Key(record.s3.object.key) }),
        );
      }
    }
    return result;
  };
}

let cold: { ingest: ReturnType<typeof createIngestHandler>; log: Log; logger: Logger } | undefined;

function coldStart() {
  const { log, logger } = lambdaLog();
  const endpoint = process.env[ENV.awsEndpoint];
  const bucket = process.env[ENV.transferBucket];
  const { s3 } = createAwsClients({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
  });
  const ingest = createIngestHandler({ s3, mountRoot: HOMES_MOUNT_PATH, log, ...(bucket ? { bucket } : {}) });
  return { ingest, log, logger };
}

export async function handler(event: S3Event, context: InvocationContext): Promise<IngestResult> {
  cold ??= coldStart();
  cold.logger.appendKeys({ requestId: context.awsRequestId });
  try {
    return await cold.ingest(event);
  } catch (error) {
    cold.log.error('ingest failed', { error: errorMessage(error) });
    throw error;
  }
}
