/**
 * Homes on EFS: one access point per user, rooted at /users/{userId} and pinned to uid/gid 1000,
 * so a session can reach its owner's folder and nothing else.
 */
import {
  AccessPointAlreadyExists,
  type AccessPointDescription,
  CreateAccessPointCommand,
  DescribeAccessPointsCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
import { AWS_LIMITS, EFS_USERS_ROOT, TAG, WORK_UID } from '../../config/aws.ts';
import type { Volumes } from '../../core/interfaces.ts';
import { awsErrorName, HomeCapacityReached } from './errors.ts';

export class EfsVolumes implements Volumes {
  /** userId -> access point id, filled from one listing per cold start */
  private known?: Map<string, string>;
  private count = 0;

  constructor(
    private readonly efs: EFSClient,
    private readonly fileSystemId: string,
    private readonly limit: number = AWS_LIMITS.accessPointsPerFileSystem,
  ) {}

  async ensureHome(user: { id: string; name: string }): Promise<string> {
    const cached = this.known?.get(user.id);
    if (cached) return cached;
    // A miss may be a user whose home another Lambda instance made since we listed: list again.
    await this.refresh();
    const existing = this.known?.get(user.id);
    if (existing) return existing;
    if (this.count >= this.limit) throw new HomeCapacityReached(this.limit);
    const id = await this.create(user);
    this.known?.set(user.id, id);
    this.count++;
    return id;
  }

  private async create(user: { id: string; name: string }): Promise<string> {
    try {
      const out = await this.efs.send(
        new CreateAccessPointCommand({
          FileSystemId: this.fileSystemId,
          // EFS makes creation with one token idempotent, so two concurrent first launches share a home.
          ClientToken: `berth-home-${user.id}`,
          PosixUser: { Uid: WORK_UID, Gid: WORK_UID },
          RootDirectory: {
            Path: `${EFS_USERS_ROOT}/${user.id}`,
            CreationInfo: { OwnerUid: WORK_UID, OwnerGid: WORK_UID, Permissions: '0750' },
          },
          Tags: [
            { Key: 'Name', Value: `berth-home-${user.name}` },
            { Key: TAG.owner, Value: user.id },
            { Key: TAG.managed, Value: 'true' },
          ],
        }),
      );
      if (!out.AccessPointId) throw new Error('CreateAccessPoint returned no id');
      return out.AccessPointId;
    } catch (error) {
      if (error instanceof AccessPointAlreadyExists && error.AccessPointId) return error.AccessPointId;
      if (awsErrorName(error) === 'AccessPointLimitExceeded') throw new HomeCapacityReached(this.limit);
      throw error;
    }
  }

  private async refresh(): Promise<void> {
    const known = new Map<string, string>();
    let count = 0;
    let NextToken: string | undefined;
    do {
      const out = await this.efs.send(
        new DescribeAccessPointsCommand({
          FileSystemId: this.fileSystemId,
          ...(NextToken ? { NextToken } : {}),
        }),
      );
      for (const ap of out.AccessPoints ?? []) {
        count++;
        const owner = ownerOf(ap);
        if (
          owner &&
          ap.AccessPointId &&
          ap.LifeCycleState !== 'deleting' &&
          ap.LifeCycleState !== 'deleted'
        ) {
          known.set(owner, ap.AccessPointId);
        }
      }
      NextToken = out.NextToken;
    } while (NextToken);
    this.known = known;
    this.count = count;
  }
}

function ownerOf(ap: AccessPointDescription): string | undefined {
  return ap.Tags?.find((t) => t.Key === TAG.owner)?.Value;
}
