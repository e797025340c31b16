/**
 * One task definition per distinct (image, size, home access point, roles, log group), found again
 * by a hash in its family name, so launches reuse it instead of registering a revision each time.
 */
import { createHash } from 'node:crypto';
import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { AGENT_HEALTH_PATH, AGENT_PORT, TAG, TASK_SSH_PORT, WORKSPACE_CONTAINER } from '../../config/aws.ts';
import type { AwsDriverConfig } from './config.ts';
import { awsErrorName } from './errors.ts';
import type { FargateSize } from './fargate-sizes.ts';

export const TASK_FAMILY_PREFIX = 'berth-ws-';
const HOME_VOLUME = 'home';

export interface TaskShape {
  image: string;
  size: FargateSize;
  accessPointId: string;
}

type TaskDefinitionConfig = Pick<
  AwsDriverConfig,
  'region' | 'fileSystemId' | 'taskRoleArn' | 'taskExecutionRoleArn' | 'taskLogGroup'
>;

export function taskDefinitionInput(
  shape: TaskShape,
  config: TaskDefinitionConfig,
): RegisterTaskDefinitionCommandInput {
  const body = {
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    cpu: String(shape.size.cpu),
    memory: String(shape.size.memoryMiB),
    ...(config.taskRoleArn ? { taskRoleArn: config.taskRoleArn } : {}),
    ...(config.taskExecutionRoleArn ? { executionRoleArn: config.taskExecutionRoleArn } : {}),
    containerDefinitions: [
      {
        name: WORKSPACE_CONTAINER,
        image: shape.image,
        essential: true,
        // The whole task's memory: valid on Fargate, and moto cannot run a container without it.
        memory: shape.size.memoryMiB,
        portMappings: [
          { containerPort: AGENT_PORT, protocol: 'tcp' as const },
          { containerPort: TASK_SSH_PORT, protocol: 'tcp' as const },
        ],
        // Same check as the image's Docker HEALTHCHECK: HEALTHY = the agent serves, so RUNNING is reachable.
        healthCheck: {
          command: [
            'CMD-SHELL',
            `curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:${AGENT_PORT}${AGENT_HEALTH_PATH} || exit 1`,
          ],
          interval: 10,
          timeout: 5,
          retries: 3,
          startPeriod: 120,
        },
        mountPoints: [{ sourceVolume: HOME_VOLUME, containerPath: '/home/work', readOnly: false }],
        // The agent stops its children on SIGTERM within 10 s (docs/agent-contract.md).
        stopTimeout: 20,
        ...(config.taskLogGroup
          ? {
              logConfiguration: {
                logDriver: 'awslogs' as const,
                options: {
                  'awslogs-group': config.taskLogGroup,
                  'awslogs-region': config.region,
                  'awslogs-stream-prefix': 'session',
                },
              },
            }
          : {}),
      },
    ],
    volumes: [
      {
        name: HOME_VOLUME,
        efsVolumeConfiguration: {
          fileSystemId: config.fileSystemId,
          transitEncryption: 'ENABLED' as const,
          // The access point pins uid 1000 and the user's own directory; IAM lets only task roles mount.
          authorizationConfig: { accessPointId: shape.accessPointId, iam: 'ENABLED' as const },
        },
      },
    ],
  };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 20);
  return { family: `${TASK_FAMILY_PREFIX}${hash}`, ...body, tags: [{ key: TAG.managed, value: 'true' }] };
}

export class TaskDefinitions {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly ecs: ECSClient,
    private readonly config: TaskDefinitionConfig,
  ) {}

  /** The ARN of an ACTIVE task definition for this shape, registered on first use. */
  async ensure(shape: TaskShape): Promise<string> {
    const input = taskDefinitionInput(shape, this.config);
    const family = input.family ?? '';
    const cached = this.known.get(family);
    if (cached) return cached;
    const existing = await this.describe(family);
    const arn =
      existing ??
      (await this.ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error(`registering task definition ${family} returned no ARN`);
    this.known.set(family, arn);
    return arn;
  }

  private async describe(family: string): Promise<string | undefined> {
    try {
      const out = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
      const definition = out.taskDefinition;
      return definition?.status === 'ACTIVE' ? definition.taskDefinitionArn : undefined;
    } catch (error) {
      // ECS answers an unknown family with a ClientException, not a NotFound.
      if (awsErrorName(error) === 'ClientException') return undefined;
      throw error;
    }
  }
}
