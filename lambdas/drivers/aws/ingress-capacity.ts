/**
 * How full each load balancer of the pools is, against the AWS quotas moto does not enforce:
 * target groups per ALB, rules per ALB listener, listeners per NLB. Read before anything is made.
 */
import type { ElasticLoadBalancingV2Client, Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AWS_LIMITS } from '../../config/aws.ts';
import type { AlbPoolMember, NlbPoolMember } from './config.ts';
import { listListeners, listRules, listTargetGroups } from './elb-reads.ts';

export interface IngressLimits {
  listenersPerNlb: number;
  targetGroupsPerAlb: number;
  rulesPerAlbListener: number;
}

export const DEFAULT_INGRESS_LIMITS: IngressLimits = {
  listenersPerNlb: AWS_LIMITS.listenersPerNlb,
  targetGroupsPerAlb: AWS_LIMITS.targetGroupsPerAlb,
  rulesPerAlbListener: AWS_LIMITS.rulesPerAlbListener,
};

export interface AlbLoad {
  alb: AlbPoolMember;
  /** the listener's rules other than its default */
  rules: Rule[];
  targetGroups: number;
}

export async function albLoad(elbv2: ElasticLoadBalancingV2Client, alb: AlbPoolMember): Promise<AlbLoad> {
  const [rules, groups] = await Promise.all([
    listRules(elbv2, alb.listenerArn),
    listTargetGroups(elbv2, alb.loadBalancerArn),
  ]);
  return { alb, rules: rules.filter((r) => !r.IsDefault), targetGroups: groups.length };
}

/** A session takes one rule and one target group on its ALB. */
export function albHasRoom(load: AlbLoad, limits: IngressLimits): boolean {
  return load.rules.length < limits.rulesPerAlbListener && load.targetGroups < limits.targetGroupsPerAlb;
}

/** The least loaded ALB with room, so sessions spread over the pool. */
export function pickAlb(loads: AlbLoad[], limits: IngressLimits): AlbLoad | undefined {
  return loads
    .filter((l) => albHasRoom(l, limits))
    .sort((a, b) => Math.max(a.rules.length, a.targetGroups) - Math.max(b.rules.length, b.targetGroups))[0];
}

/**
 * The SSH ports an NLB serves or owes: its listeners, plus ports held (by stopped sessions too) that
 * map to it, since each will need a listener there when its session runs.
 */
export async function nlbPorts(
  elbv2: ElasticLoadBalancingV2Client,
  nlb: NlbPoolMember,
  heldPorts: number[],
): Promise<Set<number>> {
  const ports = new Set(heldPorts);
  for (const listener of await listListeners(elbv2, nlb.loadBalancerArn)) {
    if (listener.Port !== undefined) ports.add(listener.Port);
  }
  return ports;
}
