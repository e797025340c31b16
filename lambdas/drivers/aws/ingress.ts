/**
 * AWS ingress over pools of load balancers. Apps: one target group (ip, the agent's port) and one
 * rule on an ALB's listener per session. SSH: one target group (ip, TCP 2222) and one TCP listener
 * on the session's own port, on the NLB that port maps to. Quotas are checked before anything is
 * made, and a failed attach takes back what it made, so a half-built route never stays.
 */
import type {
  ElasticLoadBalancingV2Client,
  Tag,
  TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AGENT_PORT, TAG, TASK_SSH_PORT } from '../../config/aws.ts';
import type { Ingress } from '../../core/interfaces.ts';
import { errorMessage, type Log, silentLog } from '../../core/log.ts';
import type { Endpoint, SessionRecord } from '../../core/model.ts';
import type { AlbPoolMember, AwsDriverConfig, NlbPoolMember } from './config.ts';
import {
  findTargetGroup,
  forwardTargets,
  listListeners,
  listRules,
  listTargetGroups,
  tagsOf,
} from './elb-reads.ts';
import { awsErrorName, IngressCapacityReached } from './errors.ts';
import {
  type AlbLoad,
  albHasRoom,
  albLoad,
  DEFAULT_INGRESS_LIMITS,
  type IngressLimits,
  nlbPorts,
  pickAlb,
} from './ingress-capacity.ts';
import {
  appTargetGroupName,
  isBerthTargetGroupName,
  ruleConditions,
  ruleRoutesSession,
  sessionHost,
  sshTargetGroupName,
} from './ingress-names.ts';
import {
  APP_TARGET_GROUP,
  createRule,
  type Deletable,
  deleteResource,
  ensureListener,
  ensureTargetGroup,
  type Made,
  registerTarget,
  SSH_TARGET_GROUP,
} from './ingress-steps.ts';

/** AWS's own quota errors, should a race get past our checks, by what they stop. */
const QUOTA_ERRORS: Record<string, 'SSH' | 'apps'> = {
  TooManyTargetGroups: 'apps',
  TooManyRules: 'apps',
  TooManyListeners: 'SSH',
};

function quotaHit(error: unknown): 'SSH' | 'apps' | undefined {
  return QUOTA_ERRORS[(awsErrorName(error) ?? '').replace(/Exception$/, '')];
}

/** isPortUsable is asked many ports in a row by one allocation: one read of the pools serves them all. */
const SNAPSHOT_TTL_MS = 2000;

type IngressConfig = Pick<AwsDriverConfig, 'albPool' | 'nlbPool' | 'domain' | 'vpcId'>;

export interface ElbIngressOptions {
  limits?: IngressLimits;
  /** SSH ports held in the store (stopped sessions keep theirs): each will need a listener */
  heldPorts?: () => Promise<number[]>;
  log?: Log;
  random?: () => number;
}

interface PoolSnapshot {
  albs: AlbLoad[];
  nlbPorts: Set<number>[];
}

export class ElbIngress implements Ingress {
  private readonly limits: IngressLimits;
  private readonly log: Log;
  private readonly random: () => number;
  private snapshot?: Promise<PoolSnapshot>;
  private snapshotAt = 0;

  constructor(
    private readonly elbv2: ElasticLoadBalancingV2Client,
    private readonly config: IngressConfig,
    private readonly options: ElbIngressOptions = {},
  ) {
    this.limits = options.limits ?? DEFAULT_INGRESS_LIMITS;
    this.log = options.log ?? silentLog;
    this.random = options.random ?? Math.random;
  }

  // ---- hooks the core takes (CoreDeps) -------------------------------------------------------

  /** A port is served by one fixed NLB, so the SSH host is known before the session runs. */
  nlbFor(port: number): NlbPoolMember {
    const nlb = this.config.nlbPool[port % this.config.nlbPool.length];
    if (!nlb) throw new Error('the NLB pool is empty');
    return nlb;
  }

  sshHostFor(port: number): string {
    return this.nlbFor(port).dnsName;
  }

  /**
   * Vetoes ports whose NLB is full; throws IngressCapacityReached when a whole pool is full, so a
   * launch that could never be served fails before anything is written.
   */
  async isPortUsable(port: number): Promise<boolean> {
    const snapshot = await this.readSnapshot();
    const ports = snapshot.nlbPorts[port % this.config.nlbPool.length];
    // A port its NLB already counts (a stopped session's own, on restart) needs no new room there.
    const accounted = ports?.has(port) === true;
    if (!snapshot.albs.some((load) => albHasRoom(load, this.limits))) {
      throw new IngressCapacityReached(
        'apps',
        `All ${this.config.albPool.length} application load balancer(s) serve their maximum of sessions.`,
      );
    }
    if (!accounted && snapshot.nlbPorts.every((held) => held.size >= this.limits.listenersPerNlb)) {
      throw new IngressCapacityReached(
        'SSH',
        `All ${this.config.nlbPool.length} network load balancer(s) have their maximum of ${this.limits.listenersPerNlb} SSH ports.`,
      );
    }
    return accounted || (ports !== undefined && ports.size < this.limits.listenersPerNlb);
  }

  /**
   * With a domain each session has its own origin (its cookie cannot reach other sessions). Without
   * one, apps are served by the session's ALB on its AWS DNS name, for which no certificate can be
   * issued: plain HTTP, which is why production deployments set a domain.
   */
  async appBaseUrl(session: SessionRecord): Promise<string> {
    if (this.config.domain) return `https://${sessionHost(session.id, this.config.domain)}`;
    const alb = (await this.albOf(session.id)) ?? this.config.albPool[0];
    if (!alb) throw new Error('the ALB pool is empty');
    return `http://${alb.dnsName}`;
  }

  // ---- Ingress -------------------------------------------------------------------------------

  async attach(session: SessionRecord, endpoint: Endpoint): Promise<void> {
    const port = session.sshPort;
    if (port === undefined) throw new Error(`session ${session.id} has no SSH port`);
    const nlb = this.nlbFor(port);

    // Everything is read and checked before anything is created.
    const loads = await Promise.all(this.config.albPool.map((alb) => albLoad(this.elbv2, alb)));
    const existingRule = loads
      .flatMap((load) => load.rules.map((rule) => ({ load, rule })))
      .find(({ rule }) => ruleRoutesSession(rule.Conditions, session.id));
    const target = existingRule?.load ?? pickAlb(loads, this.limits);
    if (!target) {
      throw new IngressCapacityReached(
        'apps',
        'Every application load balancer serves its maximum of sessions.',
      );
    }
    const listeners = await listListeners(this.elbv2, nlb.loadBalancerArn);
    if (!listeners.some((l) => l.Port === port) && listeners.length >= this.limits.listenersPerNlb) {
      throw new IngressCapacityReached(
        'SSH',
        `The network load balancer for port ${port} has its maximum of ${this.limits.listenersPerNlb} listeners.`,
      );
    }

    const tags = this.tags(session);
    const undo: Deletable[] = [];
    const made = (what: Made, as: (arn: string) => Deletable) => {
      if (what.created) undo.push(as(what.arn));
      return what.arn;
    };
    try {
      const appGroup = made(
        await ensureTargetGroup(this.elbv2, {
          name: appTargetGroupName(session.id),
          vpcId: this.config.vpcId,
          settings: APP_TARGET_GROUP,
          tags,
        }),
        (arn) => ({ targetGroup: arn }),
      );
      await registerTarget(this.elbv2, appGroup, endpoint.host, AGENT_PORT);
      if (!existingRule) {
        made(
          await createRule(this.elbv2, {
            listenerArn: target.alb.listenerArn,
            usedPriorities: target.rules.map((r) => Number(r.Priority)),
            conditions: ruleConditions(session.id, this.config.domain),
            targetGroupArn: appGroup,
            tags,
            random: this.random,
          }),
          (arn) => ({ rule: arn }),
        );
      }
      const sshGroup = made(
        await ensureTargetGroup(this.elbv2, {
          name: sshTargetGroupName(session.id),
          vpcId: this.config.vpcId,
          settings: SSH_TARGET_GROUP,
          tags,
        }),
        (arn) => ({ targetGroup: arn }),
      );
      await registerTarget(this.elbv2, sshGroup, endpoint.host, TASK_SSH_PORT);
      made(
        await ensureListener(this.elbv2, {
          loadBalancerArn: nlb.loadBalancerArn,
          port,
          targetGroupArn: sshGroup,
          tags,
        }),
        (arn) => ({ listener: arn }),
      );
    } catch (error) {
      for (const what of undo.reverse()) {
        await deleteResource(this.elbv2, what).catch((cleanup: unknown) =>
          // e.g. a target group a concurrent attach's rule now uses: the reconciler sweeps leftovers.
          this.log.warn('ingress rollback step failed', {
            sessionId: session.id,
            error: errorMessage(cleanup),
          }),
        );
      }
      const quota = quotaHit(error);
      if (quota) {
        throw new IngressCapacityReached(
          quota,
          `AWS refused another load balancer resource: ${errorMessage(error)}.`,
        );
      }
      throw error;
    }
    this.snapshot = undefined;
  }

  /** Idempotent: removes the rule, the listener and both target groups, whichever exist. */
  async detach(sessionId: string): Promise<void> {
    const groups = (
      await Promise.all([
        findTargetGroup(this.elbv2, appTargetGroupName(sessionId)),
        findTargetGroup(this.elbv2, sshTargetGroupName(sessionId)),
      ])
    ).filter((g): g is TargetGroup => g?.TargetGroupArn !== undefined);
    const groupArns = new Set(groups.map((g) => g.TargetGroupArn));

    for (const alb of this.config.albPool) {
      for (const rule of await listRules(this.elbv2, alb.listenerArn)) {
        if (rule.IsDefault || !rule.RuleArn) continue;
        const ours =
          ruleRoutesSession(rule.Conditions, sessionId) ||
          forwardTargets(rule.Actions).some((arn) => groupArns.has(arn));
        if (ours) await deleteResource(this.elbv2, { rule: rule.RuleArn });
      }
    }
    if (groupArns.size > 0) {
      for (const nlb of this.config.nlbPool) {
        for (const listener of await listListeners(this.elbv2, nlb.loadBalancerArn)) {
          if (
            listener.ListenerArn &&
            forwardTargets(listener.DefaultActions).some((arn) => groupArns.has(arn))
          ) {
            await deleteResource(this.elbv2, { listener: listener.ListenerArn });
          }
        }
      }
    }
    for (const group of groups) {
      if (group.TargetGroupArn) await deleteResource(this.elbv2, { targetGroup: group.TargetGroupArn });
    }
    this.snapshot = undefined;
  }

  /** Session ids that have any ingress, from the tags of our target groups. */
  async list(): Promise<string[]> {
    const groups = (await listTargetGroups(this.elbv2)).filter((g) =>
      isBerthTargetGroupName(g.TargetGroupName),
    );
    const arns = groups.map((g) => g.TargetGroupArn).filter((a): a is string => a !== undefined);
    const ids = new Set<string>();
    for (const tags of (await tagsOf(this.elbv2, arns)).values()) {
      const id = tags[TAG.session];
      if (id) ids.add(id);
    }
    return [...ids];
  }

  // ---- steps ---------------------------------------------------------------------------------

  private tags(session: SessionRecord): Tag[] {
    return [
      { Key: TAG.session, Value: session.id },
      { Key: TAG.owner, Value: session.ownerId },
      { Key: TAG.managed, Value: 'true' },
    ];
  }

  private async albOf(sessionId: string): Promise<AlbPoolMember | undefined> {
    for (const alb of this.config.albPool) {
      const rules = await listRules(this.elbv2, alb.listenerArn);
      if (rules.some((r) => ruleRoutesSession(r.Conditions, sessionId))) return alb;
    }
    return undefined;
  }

  private async readSnapshot(): Promise<PoolSnapshot> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshotAt > SNAPSHOT_TTL_MS) {
      this.snapshotAt = now;
      this.snapshot = this.takeSnapshot();
      this.snapshot.catch(() => {
        this.snapshot = undefined;
      });
    }
    return this.snapshot;
  }

  private async takeSnapshot(): Promise<PoolSnapshot> {
    const held = (await this.options.heldPorts?.()) ?? [];
    const size = this.config.nlbPool.length;
    const [albs, ports] = await Promise.all([
      Promise.all(this.config.albPool.map((alb) => albLoad(this.elbv2, alb))),
      Promise.all(
        this.config.nlbPool.map((nlb, index) =>
          nlbPorts(
            this.elbv2,
            nlb,
            held.filter((p) => p % size === index),
          ),
        ),
      ),
    ]);
    return { albs, nlbPorts: ports };
  }
}
