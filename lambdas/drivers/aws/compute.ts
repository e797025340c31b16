/**
 * AWS compute: one ECS Fargate task per session. A task cannot be restarted, so `run` always
 * starts a new one and `remove` is the same as `stop` (ECS forgets stopped tasks by itself).
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeTasksCommand,
  type DesiredStatus,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { TAG, WORKSPACE_CONTAINER } from '../../config/aws.ts';
import { SESSION_ID_PATTERN } from '../../core/ids.ts';
import type { Compute, ComputeSpec, ComputeStatus } from '../../core/interfaces.ts';
import type { AwsDriverConfig } from './config.ts';
import { awsErrorName } from './errors.ts';
import { fargateSize } from './fargate-sizes.ts';
import { TaskDefinitions } from './task-definitions.ts';
import { statusOfTask } from './task-status.ts';

/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_CHUNK = 100;

type ComputeConfig = Pick<
  AwsDriverConfig,
  | 'region'
  | 'requireHealthy'
  | 'clusterArn'
  | 'subnetIds'
  | 'taskSecurityGroupId'
  | 'fileSystemId'
  | 'taskRoleArn'
  | 'taskExecutionRoleArn'
  | 'taskLogGroup'
>;

export class FargateCompute implements Compute {
  readonly taskDefinitions: TaskDefinitions;

  constructor(
    private readonly ecs: ECSClient,
    private readonly config: ComputeConfig,
  ) {
    this.taskDefinitions = new TaskDefinitions(ecs, config);
  }

  async run(spec: ComputeSpec): Promise<{ computeId: string }> {
    const taskDefinition = await this.taskDefinitions.ensure({
      image: spec.imageRef,
      size: fargateSize(spec.resources),
      accessPointId: spec.home,
    });
    const out = await this.ecs.send(
      new RunTaskCommand({
        cluster: this.config.clusterArn,
        taskDefinition,
        launchType: 'FARGATE',
        // One task per call, well inside RunTask's limit of 10.
        count: 1,
        startedBy: spec.sessionId,
        // The SDK's retries resend the same token, so a retried call never starts a second task.
        clientToken: randomUUID(),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: this.config.subnetIds,
            securityGroups: [this.config.taskSecurityGroupId],
            // Tasks are reached only through the load balancers, from inside the VPC.
            assignPublicIp: 'DISABLED',
          },
        },
        overrides: {
          containerOverrides: [
            {
              name: WORKSPACE_CONTAINER,
              environment: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
            },
          ],
        },
        tags: [
          { key: TAG.session, value: spec.sessionId },
          { key: TAG.owner, value: spec.ownerId },
          { key: TAG.managed, value: 'true' },
        ],
      }),
    );
    const arn = out.tasks?.[0]?.taskArn;
    if (!arn) {
      const failure = out.failures?.[0];
      throw new Error(
        `ECS did not start the task: ${failure ? `${failure.reason ?? 'unknown'} ${failure.detail ?? ''}`.trim() : 'no task returned'}`,
      );
    }
    return { computeId: arn };
  }

  async stop(computeId: string): Promise<void> {
    try {
      await this.ecs.send(
        new StopTaskCommand({ cluster: this.config.clusterArn, task: computeId, reason: 'stopped by Berth' }),
      );
    } catch (error) {
      // A task ECS no longer knows is as stopped as it gets.
      if (awsErrorName(error) !== 'InvalidParameterException') throw error;
    }
  }

  /** Fargate keeps nothing of a stopped task to delete: stopping is removing. */
  async remove(computeId: string): Promise<void> {
    await this.stop(computeId);
  }

  async describe(computeId: string): Promise<ComputeStatus | undefined> {
    const [task] = await this.describeTasks([computeId]);
    return task ? statusOfTask(task, this.config) : undefined;
  }

  async list(): Promise<ComputeStatus[]> {
    const arns = [...(await this.listArns('RUNNING')), ...(await this.listArns('STOPPED'))];
    const tasks = await this.describeTasks([...new Set(arns)]);
    return tasks
      .map((task) => statusOfTask(task, this.config))
      .filter((s): s is ComputeStatus => s !== undefined && SESSION_ID_PATTERN.test(s.sessionId));
  }

  private async listArns(desiredStatus: DesiredStatus): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.ecs.send(
        new ListTasksCommand({
          cluster: this.config.clusterArn,
          desiredStatus,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      arns.push(...(out.taskArns ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return arns;
  }

  private async describeTasks(arns: string[]): Promise<Task[]> {
    const tasks: Task[] = [];
    for (let i = 0; i < arns.length; i += DESCRIBE_CHUNK) {
      const out = await this.ecs.send(
        new DescribeTasksCommand({
          cluster: this.config.clusterArn,
          tasks: arns.slice(i, i + DESCRIBE_CHUNK),
          include: ['TAGS'],
        }),
      );
      tasks.push(...(out.tasks ?? []));
    }
    return tasks;
  }
}
