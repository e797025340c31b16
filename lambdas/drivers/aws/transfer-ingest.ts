/**
 * Big uploads land in the transfer bucket as `uploads/{userId}/{path}`; the ingest Lambda, with EFS
 * mounted, copies each into the user's home and deletes the object. Keys come from clients (via
 * presigned URLs), so a key that would leave the user's home is refused, never followed.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EFS_USERS_ROOT } from '../../config/aws.ts';

export const UPLOAD_PREFIX = 'uploads/';
const USER_ID = /^u-[a-z2-7]{20}$/;

export class UnsafeUploadKey extends Error {
  override name = 'UnsafeUploadKey';
}

export interface IngestTarget {
  userId: string;
  /** absolute path inside the mounted file system */
  file: string;
}

/** S3 event keys are URL-encoded, with '+' for spaces. */
export function decodeS3Key(encodedKey: string): string {
  try {
    return decodeURIComponent(encodedKey.replace(/\+/g, ' '));
  } catch {
    throw new UnsafeUploadKey('the object key is not valid URL encoding');
  }
}

/**
 * S3 event keys are URL-encoded with '+' for spaces. Every segment must be a plain name: no '..',
 * '.', empty segment, backslash or NUL, and the result must stay inside /users/{userId}.
 */
export function ingestTarget(mountRoot: string, encodedKey: string): IngestTarget {
  const key = decodeS3Key(encodedKey);
  if (!key.startsWith(UPLOAD_PREFIX)) throw new UnsafeUploadKey(`the key is not under ${UPLOAD_PREFIX}`);
  const [userId, ...segments] = key.slice(UPLOAD_PREFIX.length).split('/');
  if (!userId || !USER_ID.test(userId)) throw new UnsafeUploadKey('the key names no valid user id');
  if (segments.length === 0) throw new UnsafeUploadKey('the key names no file');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || /[\\\0]/.test(segment)) {
      throw new UnsafeUploadKey('the key has an empty, relative or unsafe path segment');
    }
  }
  const home = path.resolve(mountRoot, `.${EFS_USERS_ROOT}`, userId);
  const file = path.resolve(home, ...segments);
  if (!file.startsWith(`${home}${path.sep}`)) throw new UnsafeUploadKey('the key leaves the home folder');
  return { userId, file };
}

/** Streams the object to a temporary name beside the target, then renames: readers never see half a file. */
export async function ingestObject(
  s3: S3Client,
  bucket: string,
  encodedKey: string,
  mountRoot: string,
): Promise<IngestTarget> {
  const target = ingestTarget(mountRoot, encodedKey);
  const key = decodeS3Key(encodedKey);
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!(out.Body instanceof Readable)) throw new Error('S3 returned no readable body');
  await mkdir(path.dirname(target.file), { recursive: true, mode: 0o750 });
  const partial = `${target.file}.berth-partial`;
  try {
    await pipeline(out.Body, createWriteStream(partial, { mode: 0o640 }));
    await rename(partial, target.file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return target;
}
