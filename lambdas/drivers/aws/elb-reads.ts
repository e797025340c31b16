/** Paginated ELBv2 reads the ingress driver needs, with "not found" turned into "nothing". */
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsErrorName } from './errors.ts';

/** DescribeTags takes at most 20 resources per call. */
const TAGS_CHUNK = 20;

export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error) ?? '';
  return name.endsWith('NotFound') || name.endsWith('NotFoundException');
}

export async function listRules(elbv2: ElasticLoadBalancingV2Client, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let Marker: string | undefined;
  do {
    const out = await elbv2.send(
      new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: 400, ...(Marker ? { Marker } : {}) }),
    );
    rules.push(...(out.Rules ?? []));
    Marker = out.NextMarker;
  } while (Marker);
  return rules;
}

export async function listListeners(
  elbv2: ElasticLoadBalancingV2Client,
  loadBalancerArn: string,
): Promise<Listener[]> {
  const listeners: Listener[] = [];
  let Marker: string | undefined;
  do {
    const out = await elbv2.send(
      new DescribeListenersCommand({
        LoadBalancerArn: loadBalancerArn,
        PageSize: 400,
        ...(Marker ? { Marker } : {}),
      }),
    );
    listeners.push(...(out.Listeners ?? []));
    Marker = out.NextMarker;
  } while (Marker);
  return listeners;
}

/** All target groups, or those a load balancer uses (an ALB with none answers "not found"). */
export async function listTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  loadBalancerArn?: string,
): Promise<TargetGroup[]> {
  const groups: TargetGroup[] = [];
  let Marker: string | undefined;
  try {
    do {
      const out = await elbv2.send(
        new DescribeTargetGroupsCommand({
          ...(loadBalancerArn ? { LoadBalancerArn: loadBalancerArn } : {}),
          PageSize: 400,
          ...(Marker ? { Marker } : {}),
        }),
      );
      groups.push(...(out.TargetGroups ?? []));
      Marker = out.NextMarker;
    } while (Marker);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return groups;
}

/** One target group by name; asked one name per call because one missing name fails the call. */
export async function findTargetGroup(
  elbv2: ElasticLoadBalancingV2Client,
  name: string,
): Promise<TargetGroup | undefined> {
  try {
    const out = await elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    return out.TargetGroups?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function tagsOf(
  elbv2: ElasticLoadBalancingV2Client,
  arns: string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < arns.length; i += TAGS_CHUNK) {
    const page = await elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + TAGS_CHUNK) }));
    for (const description of page.TagDescriptions ?? []) {
      if (!description.ResourceArn) continue;
      const tags: Record<string, string> = {};
      for (const tag of description.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      out.set(description.ResourceArn, tags);
    }
  }
  return out;
}

/** The target groups a rule or listener forwards to (plain or weighted forward). */
export function forwardTargets(
  actions:
    | {
        TargetGroupArn?: string | undefined;
        ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string | undefined }[] | undefined } | undefined;
      }[]
    | undefined,
): string[] {
  const arns: string[] = [];
  for (const action of actions ?? []) {
    if (action.TargetGroupArn) arns.push(action.TargetGroupArn);
    for (const tg of action.ForwardConfig?.TargetGroups ?? [])
      if (tg.TargetGroupArn) arns.push(tg.TargetGroupArn);
  }
  return arns;
}
