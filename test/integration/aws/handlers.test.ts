/**
 * Each Lambda entry point, invoked with recorded event payloads (test/fixtures/aws) against moto,
 * configured only through the environment the stack sets, as in a cold start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { LambdaEvent } from 'hono/aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENV } from '../../../lambdas/config/env.ts';
import { silentLog } from '../../../lambdas/core/log.ts';
import { type AwsClients, createAwsClients } from '../../../lambdas/drivers/aws/clients.ts';
import type { EcsTaskStateChangeEvent } from '../../../lambdas/drivers/aws/events.ts';
import { decodeS3Key } from '../../../lambdas/drivers/aws/transfer-ingest.ts';
import {
  type BaseResources,
  baseEnvironment,
  createBaseResources,
} from '../../../lambdas/emulate/base-resources.ts';
import type { S3Event, ScheduledEvent } from '../../../lambdas/handlers/lambda-types.ts';
import { type Moto, REGION, startMoto } from '../../support/aws-harness.ts';
import { fixture, lambdaContext } from '../../support/lambda-fixtures.ts';

/** API Gateway HTTP API's payload format 2.0 */
type APIGatewayProxyEventV2 = Extract<LambdaEvent, { rawPath: string }>;

/** The key in the recorded POST /v1/sessions event's Authorization header. */
const FIXTURE_ADMIN_KEY = 'berth_fixture-admin-key-0123456789abcdef';

let moto: Moto;
let clients: AwsClients;
let base: BaseResources;
const savedEnv = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());

beforeEach(async () => {
  await moto.reset();
  clients = createAwsClients({ region: REGION, endpoint: moto.endpoint });
  base = await createBaseResources(clients, { region: REGION, endpoint: moto.endpoint });
  // The admin key comes from Secrets Manager, as the stack configures it.
  const secret = await clients.secrets.send(
    new CreateSecretCommand({ Name: 'berth-admin-key', SecretString: FIXTURE_ADMIN_KEY }),
  );
  Object.assign(process.env, baseEnvironment(base, moto.endpoint), {
    AWS_REGION: REGION,
    [ENV.adminKeySecretArn]: secret.ARN,
    [ENV.workspaceImage]: '123456789012.dkr.ecr.us-east-1.amazonaws.com/berth-workspace:1',
    [ENV.logLevel]: 'SILENT',
  });
  delete process.env[ENV.adminKey];
  // Every test is a cold start: module-level state (config, clients) is built again.
  vi.resetModules();
});
afterEach(() => {
  process.env = { ...savedEnv };
});

const api = async () => (await import('../../../lambdas/handlers/api.ts')).handler;
const events = async () => (await import('../../../lambdas/handlers/events.ts')).handler;
const reaper = async () => (await import('../../../lambdas/handlers/reaper.ts')).handler;
const runtime = async () => (await import('../../../lambdas/handlers/runtime.ts')).lambdaRuntime();

async function createSessionThroughApi() {
  const handler = await api();
  const response = await handler(
    fixture<APIGatewayProxyEventV2>('apigw-v2-post-sessions'),
    lambdaContext('api'),
  );
  expect(response.statusCode).toBe(202);
  const body = JSON.parse(response.body) as {
    id: string;
    status: string;
    ssh: { host: string; port: number };
  };
  const record = await (await runtime()).store.getSessionById(body.id);
  return { body, record };
}

/** The recorded event, pointed at the task moto runs for the session. */
function taskEvent(name: string, sessionId: string, taskArn: string): EcsTaskStateChangeEvent {
  const event = fixture<EcsTaskStateChangeEvent>(name);
  event.detail.taskArn = taskArn;
  event.detail.startedBy = sessionId;
  return event;
}

describe('api handler (API Gateway HTTP API v2)', () => {
  it('answers GET /v1/health', async () => {
    const handler = await api();
    const response = await handler(
      fixture<APIGatewayProxyEventV2>('apigw-v2-get-health'),
      lambdaContext('api'),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true });
  });

  it('creates a session for the admin key read from Secrets Manager', async () => {
    const { body, record } = await createSessionThroughApi();
    expect(body.status).toBe('PROVISIONING');
    expect(body.ssh.host).toBe(base.nlbPool[0]?.dnsName);
    expect(record?.computeId).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\//);
    // 0.5 vCPU with 1 GiB is a valid Fargate size, used as is.
    expect(record?.resources).toEqual({ cpu: 0.5, memoryMiB: 1024 });
  });

  it('refuses a wrong key with problem+json', async () => {
    const handler = await api();
    const event = fixture<APIGatewayProxyEventV2>('apigw-v2-post-sessions');
    event.headers.authorization = 'Bearer berth_not-the-key';
    const response = await handler(event, lambdaContext('api'));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toContain('application/problem+json');
  });
});

describe('events handler (ECS Task State Change)', () => {
  it('RUNNING (healthy) attaches ingress and marks the session RUNNING; STOPPED fails it and detaches', async () => {
    const { body, record } = await createSessionThroughApi();
    const taskArn = record?.computeId ?? '';
    const handler = await events();

    await handler(taskEvent('ecs-task-state-change-running', body.id, taskArn), lambdaContext('events'));
    const { store, ingress } = await runtime();
    const running = await store.getSessionById(body.id);
    expect(running?.status).toBe('RUNNING');
    // The endpoint is the IP from the event's ENI attachment.
    expect(running?.endpoint).toEqual({ host: '10.20.0.139', port: 8080 });
    expect(await ingress.list()).toEqual([body.id]);

    await handler(taskEvent('ecs-task-state-change-stopped', body.id, taskArn), lambdaContext('events'));
    const failed = await store.getSessionById(body.id);
    expect(failed?.status).toBe('FAILED');
    expect(failed?.statusReason).toContain('Essential container in task exited');
    expect(await ingress.list()).toEqual([]);
  });

  it('ignores events for tasks no session owns', async () => {
    const handler = await events();
    await expect(
      handler(
        taskEvent(
          'ecs-task-state-change-running',
          's-bbbbbbbbbbbbbbbbbbbb',
          'arn:aws:ecs:us-east-1:1:task/x',
        ),
        lambdaContext('events'),
      ),
    ).resolves.toBeUndefined();
  });
});

describe('reaper handler (EventBridge schedule)', () => {
  it('runs a reconcile pass: moves a session whose task runs to RUNNING', async () => {
    const { body } = await createSessionThroughApi();
    const handler = await reaper();
    const report = await handler(fixture<ScheduledEvent>('scheduled-event'), lambdaContext('reaper'));
    expect(report.running).toEqual([body.id]);
    expect((await (await runtime()).store.getSessionById(body.id))?.status).toBe('RUNNING');
  });
});

describe('ingest handler (S3 ObjectCreated)', () => {
  let mountRoot: string;
  beforeEach(() => {
    mountRoot = mkdtempSync(path.join(tmpdir(), 'berth-efs-'));
  });
  afterEach(() => rmSync(mountRoot, { recursive: true, force: true }));

  async function ingest(event: S3Event) {
    const { createIngestHandler } = await import('../../../lambdas/handlers/ingest.ts');
    return createIngestHandler({ s3: clients.s3, mountRoot, log: silentLog, bucket: base.transferBucket })(
      event,
    );
  }

  it('copies the upload into the user home and deletes the object', async () => {
    const key = 'uploads/u-aaaaaaaaaaaaaaaaaaaa/data/raw/sample data.csv';
    await clients.s3.send(
      new PutObjectCommand({ Bucket: base.transferBucket, Key: key, Body: 'a,b\n1,2\n' }),
    );
    const result = await ingest(fixture<S3Event>('s3-object-created'));
    const file = path.join(mountRoot, 'users/u-aaaaaaaaaaaaaaaaaaaa/data/raw/sample data.csv');
    expect(result.copied).toEqual([file]);
    expect(readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
    await expect(
      clients.s3.send(new HeadObjectCommand({ Bucket: base.transferBucket, Key: key })),
    ).rejects.toThrow();
  });

  it.each([
    ['a parent segment', 'uploads/u-aaaaaaaaaaaaaaaaaaaa/../u-bbbbbbbbbbbbbbbbbbbb/.bashrc'],
    ['an encoded parent segment', 'uploads/u-aaaaaaaaaaaaaaaaaaaa/%2E%2E/%2E%2E/etc/passwd'],
    ['an invalid user id', 'uploads/..%2Fetc/passwd'],
    ['no file name', 'uploads/u-aaaaaaaaaaaaaaaaaaaa/'],
    ['a key outside uploads/', 'other/u-aaaaaaaaaaaaaaaaaaaa/x'],
  ])('refuses %s, writes nothing and deletes the object', async (_what, encodedKey) => {
    const event = fixture<S3Event>('s3-object-created');
    const record = event.Records[0];
    if (!record) throw new Error('fixture has no record');
    record.s3.object.key = encodedKey;
    const key = decodeS3Key(encodedKey);
    await clients.s3.send(new PutObjectCommand({ Bucket: base.transferBucket, Key: key, Body: 'x' }));
    const result = await ingest(event);
    expect(result).toEqual({ copied: [], refused: [encodedKey] });
    expect(readdirRecursive(mountRoot)).toEqual([]);
    const left = await clients.s3.send(new ListObjectsV2Command({ Bucket: base.transferBucket }));
    expect(left.KeyCount ?? 0).toBe(0);
  });
});

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String);
}
