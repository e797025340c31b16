/**
 * The ELBv2 writes of an attach, each reporting whether it made something, so a failed attach
 * takes back only what it made itself and never what a concurrent attach of the same session made.
 */
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  DeleteListenerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  type ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  type RuleCondition,
  type Tag,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AGENT_HEALTH_PATH, AGENT_PORT, RULE_PRIORITY_RANGE, TASK_SSH_PORT } from '../../config/aws.ts';
import { findTargetGroup, forwardTargets, isNotFound, listListeners } from './elb-reads.ts';
import { awsErrorName } from './errors.ts';

type TargetGroupSettings = Omit<CreateTargetGroupCommandInput, 'Name' | 'VpcId' | 'TargetType' | 'Tags'>;

/** Apps: HTTP to the agent, healthy once it answers its health path (as the task's own check). */
export const APP_TARGET_GROUP: TargetGroupSettings = {
  Protocol: 'HTTP',
  Port: AGENT_PORT,
  HealthCheckProtocol: 'HTTP',
  HealthCheckPath: AGENT_HEALTH_PATH,
  Matcher: { HttpCode: '200' },
  HealthCheckIntervalSeconds: 10,
  HealthyThresholdCount: 2,
};

/** SSH: plain TCP to sshd. */
export const SSH_TARGET_GROUP: TargetGroupSettings = {
  Protocol: 'TCP',
  Port: TASK_SSH_PORT,
  HealthCheckProtocol: 'TCP',
  HealthCheckIntervalSeconds: 10,
  HealthyThresholdCount: 2,
};

const PRIORITY_TRIES = 8;

export interface Made {
  arn: string;
  /** false when it existed already (an earlier or concurrent attach made it) */
  created: boolean;
}

export async function ensureTargetGroup(
  elbv2: ElasticLoadBalancingV2Client,
  input: { name: string; vpcId: string; settings: TargetGroupSettings; tags: Tag[] },
): Promise<Made> {
  const existing = await findTargetGroup(elbv2, input.name);
  if (existing?.TargetGroupArn) return { arn: existing.TargetGroupArn, created: false };
  const out = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: input.name,
      VpcId: input.vpcId,
      TargetType: 'ip',
      Tags: input.tags,
      ...input.settings,
    }),
  );
  const arn = out.TargetGroups?.[0]?.TargetGroupArn;
  if (!arn) throw new Error(`target group ${input.name} was not created`);
  return { arn, created: true };
}

export async function registerTarget(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  ip: string,
  port: number,
): Promise<void> {
  await elbv2.send(
    new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: ip, Port: port }] }),
  );
}

/** A random free priority: concurrent attaches (other sessions) rarely pick the same one. */
function freePriority(used: Set<number>, random: () => number): number {
  const { min, max } = RULE_PRIORITY_RANGE;
  for (;;) {
    const priority = min + Math.floor(random() * (max - min + 1));
    if (!used.has(priority)) return priority;
  }
}

export async function createRule(
  elbv2: ElasticLoadBalancingV2Client,
  input: {
    listenerArn: string;
    usedPriorities: number[];
    conditions: RuleCondition[];
    targetGroupArn: string;
    tags: Tag[];
    random: () => number;
  },
): Promise<Made> {
  const used = new Set(input.usedPriorities);
  for (let attempt = 0; attempt < PRIORITY_TRIES; attempt++) {
    const priority = freePriority(used, input.random);
    try {
      const out = await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: input.listenerArn,
          Priority: priority,
          Conditions: input.conditions,
          Actions: [{ Type: 'forward', TargetGroupArn: input.targetGroupArn }],
          Tags: input.tags,
        }),
      );
      const arn = out.Rules?.[0]?.RuleArn;
      if (!arn) throw new Error('CreateRule returned no rule');
      return { arn, created: true };
    } catch (error) {
      // Another session's attach took this priority a moment ago: pick another.
      if (!['PriorityInUse', 'PriorityInUseException'].includes(awsErrorName(error) ?? '')) throw error;
      used.add(priority);
    }
  }
  throw new Error(`no free rule priority after ${PRIORITY_TRIES} tries`);
}

/** A TCP listener on `port`; one that already forwards to this target group counts as made. */
export async function ensureListener(
  elbv2: ElasticLoadBalancingV2Client,
  input: { loadBalancerArn: string; port: number; targetGroupArn: string; tags: Tag[] },
): Promise<Made> {
  const ours = async (): Promise<string | undefined> => {
    const listener = (await listListeners(elbv2, input.loadBalancerArn)).find((l) => l.Port === input.port);
    if (!listener?.ListenerArn) return undefined;
    if (!forwardTargets(listener.DefaultActions).includes(input.targetGroupArn)) {
      throw new Error(`port ${input.port} already has a listener for something else`);
    }
    return listener.ListenerArn;
  };
  const existing = await ours();
  if (existing) return { arn: existing, created: false };
  try {
    const out = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: input.loadBalancerArn,
        Protocol: 'TCP',
        Port: input.port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: input.targetGroupArn }],
        Tags: input.tags,
      }),
    );
    const arn = out.Listeners?.[0]?.ListenerArn;
    if (!arn) throw new Error('CreateListener returned no listener');
    return { arn, created: true };
  } catch (error) {
    // A concurrent attach of this session made it first.
    if (!['DuplicateListener', 'DuplicateListenerException'].includes(awsErrorName(error) ?? '')) throw error;
    const raced = await ours();
    if (!raced) throw error;
    return { arn: raced, created: false };
  }
}

export type Deletable = { rule: string } | { listener: string } | { targetGroup: string };

/** Deletes one resource; one already gone is fine. */
export async function deleteResource(elbv2: ElasticLoadBalancingV2Client, what: Deletable): Promise<void> {
  try {
    if ('rule' in what) await elbv2.send(new DeleteRuleCommand({ RuleArn: what.rule }));
    else if ('listener' in what) await elbv2.send(new DeleteListenerCommand({ ListenerArn: what.listener }));
    else await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: what.targetGroup }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
