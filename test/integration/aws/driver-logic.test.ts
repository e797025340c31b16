/**
 * The AWS drivers' pure decisions, without moto: Fargate sizes, what an ECS task state change
 * means, and which upload keys may be written where.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeEventFromEcs, type EcsTaskStateChangeEvent } from '../../../lambdas/drivers/aws/events.ts';
import { fargateSize, NoFargateSize } from '../../../lambdas/drivers/aws/fargate-sizes.ts';
import { ingestTarget, UnsafeUploadKey } from '../../../lambdas/drivers/aws/transfer-ingest.ts';
import { fixture } from '../../support/lambda-fixtures.ts';

const onAws = { requireHealthy: true };
const onMoto = { requireHealthy: false };

describe('fargateSize rounds up to a valid Fargate pair', () => {
  it.each([
    [
      { cpu: 0.25, memoryMiB: 256 },
      { cpu: 256, memoryMiB: 512 },
    ],
    [
      { cpu: 0.25, memoryMiB: 4096 },
      { cpu: 512, memoryMiB: 4096 },
    ],
    [
      { cpu: 0.5, memoryMiB: 1024 },
      { cpu: 512, memoryMiB: 1024 },
    ],
    [
      { cpu: 1, memoryMiB: 1024 },
      { cpu: 1024, memoryMiB: 2048 },
    ],
    [
      { cpu: 1, memoryMiB: 2500 },
      { cpu: 1024, memoryMiB: 3072 },
    ],
    [
      { cpu: 1.5, memoryMiB: 2048 },
      { cpu: 2048, memoryMiB: 4096 },
    ],
    [
      { cpu: 4, memoryMiB: 8192 },
      { cpu: 4096, memoryMiB: 8192 },
    ],
    [
      { cpu: 4, memoryMiB: 40_000 },
      { cpu: 8192, memoryMiB: 40_960 },
    ],
  ])('%o -> %o', (resources, size) => {
    expect(fargateSize(resources)).toEqual(size);
  });

  it('refuses what no Fargate size holds', () => {
    expect(() => fargateSize({ cpu: 32, memoryMiB: 1024 })).toThrow(NoFargateSize);
  });
});

describe('computeEventFromEcs', () => {
  const running = () => fixture<EcsTaskStateChangeEvent>('ecs-task-state-change-running');

  it('maps a healthy RUNNING task to RUNNING at its ENI address', () => {
    expect(computeEventFromEcs(running(), onAws)).toEqual({
      sessionId: 's-aaaaaaaaaaaaaaaaaaaa',
      computeId: 'arn:aws:ecs:us-east-1:123456789012:task/berth/c13b4cb40f1f4fe4a2971f76ae5a47ad',
      state: 'RUNNING',
      endpoint: { host: '10.20.0.139', port: 8080 },
    });
  });

  it('waits for the health check on AWS: RUNNING but UNKNOWN health is no event', () => {
    const event = running();
    event.detail.healthStatus = 'UNKNOWN';
    expect(computeEventFromEcs(event, onAws)).toBeUndefined();
    delete event.detail.healthStatus;
    expect(computeEventFromEcs(event, onAws)).toBeUndefined();
    // moto never reports health: there a RUNNING task is as healthy as it will ever say.
    expect(computeEventFromEcs(event, onMoto)?.state).toBe('RUNNING');
  });

  it('maps a STOPPED task with the reasons ECS gives', () => {
    const event = fixture<EcsTaskStateChangeEvent>('ecs-task-state-change-stopped');
    expect(computeEventFromEcs(event, onAws)).toMatchObject({
      state: 'STOPPED',
      reason: 'Essential container in task exited; exit code 137',
    });
  });

  it('treats a task on its way down as no longer serving, and not yet stopped', () => {
    const event = running();
    event.detail.desiredStatus = 'STOPPED';
    event.detail.lastStatus = 'DEACTIVATING';
    expect(computeEventFromEcs(event, onAws)).toBeUndefined();
  });

  it('ignores tasks without a session and events of other kinds', () => {
    const event = running();
    delete event.detail.startedBy;
    expect(computeEventFromEcs(event, onAws)).toBeUndefined();
    expect(
      computeEventFromEcs({ ...running(), 'detail-type': 'ECS Container Instance State Change' }, onAws),
    ).toBeUndefined();
  });
});

describe('ingestTarget', () => {
  const root = '/mnt/homes';
  const user = 'u-aaaaaaaaaaaaaaaaaaaa';

  it('maps uploads/{userId}/{path} into /users/{userId}, decoding the S3 event key', () => {
    expect(ingestTarget(root, `uploads/${user}/a/b+c%2B.txt`)).toEqual({
      userId: user,
      file: path.join(root, 'users', user, 'a', 'b c+.txt'),
    });
  });

  it.each([
    `uploads/${user}/../u-bbbbbbbbbbbbbbbbbbbb/x`,
    `uploads/${user}/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd`,
    `uploads/${user}/a//b`,
    `uploads/${user}/./b`,
    `uploads/${user}/a%5C..%5Cb`,
    `uploads/${user}/a%00b`,
    `uploads/${user}`,
    'uploads/admin/x',
    `uploads/${user}/%E0%A4%A`,
    `downloads/${user}/x`,
  ])('refuses %s', (key) => {
    expect(() => ingestTarget(root, key)).toThrow(UnsafeUploadKey);
  });
});
