/**
 * AWS ingress over pools of load balancers. Apps: one target group (ip, the agent's port) and one
 * rule on an ALB's listener per session. SSH: one target group (ip, TCP 2222) and one TCP listener
 * on the session's own port, on the NLB that port maps to. Quotas are checked before anything is
 * made, and a failed attach takes back what it made, so a half-built route never stays.
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
  type Rule,
  type Tag,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AGENT_HEALTH_PATH, AGENT_PORT, RULE_PRIORITY_RANGE, TAG, TASK_SSH_PORT } from '../../config/aws.ts';
import type { Ingress } from '../../core/interfaces.ts';
import { errorMessage, type Log, silentLog } from '../../core/log.ts';
import type { Endpoint, SessionRecord } from '../../core/model.ts';
import type { AlbPoolMember, AwsDriverConfig, NlbPoolMember } from './config.ts';
import {
  findTargetGroup,
  forwardTargets,
  isNotFound,
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

/** AWS's own quota errors, should a race get past our checks. */
const QUOTA_ERRORS = new Set([
  'TooManyTargetGroupsException',
  'TooManyRulesException',
  'TooManyListenersException',
  'TooManyTargetGroups',
  'TooManyRules',
  'TooManyListeners',
]);
const PRIORITY_TRIES = 8;
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
    if (!snapshot.albs.some((load) => albHasRoom(load, this.limits))) {
      throw new IngressCapacityReached(
        'apps',
        `All ${this.config.albPool.length} application load balancer(s) serve their maximum of sessions.`,
      );
    }
    if (snapshot.nlbPorts.every((ports) => ports.size >= this.limits.listenersPerNlb)) {
      throw new IngressCapacityReached(
        'SSH',
        `All ${this.config.nlbPool.length} network load balancer(s) have their maximum of ${this.limits.listenersPerNlb} SSH ports.`,
      );
    }
    const ports = snapshot.nlbPorts[port % this.config.nlbPool.length];
    return ports !== undefined && (ports.has(port) || ports.size < this.limits.listenersPerNlb);
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
    const existingListener = listeners.find((l) => l.Port === port);
    if (!existingListener && listeners.length >= this.limits.listenersPerNlb) {
      throw new IngressCapacityReached(
        'SSH',
        `The network load balancer for port ${port} has its maximum of ${this.limits.listenersPerNlb} listeners.`,
      );
    }

    const tags = this.tags(session);
    try {
      const appGroup = await this.ensureTargetGroup(
        appTargetGroupName(session.id),
        {
          Protocol: 'HTTP',
          Port: AGENT_PORT,
          HealthCheckProtocol: 'HTTP',
          HealthCheckPath: AGENT_HEALTH_PATH,
          Matcher: { HttpCode: '200' },
          HealthCheckIntervalSeconds: 10,
          HealthyThresholdCount: 2,
        },
        tags,
      );
      await this.register(appGroup, endpoint.host, AGENT_PORT);
      if (!existingRule) await this.createRule(target, appGroup, session.id, tags);

      const sshGroup = await this.ensureTargetGroup(
        sshTargetGroupName(session.id),
        {
          Protocol: 'TCP',
          Port: TASK_SSH_PORT,
          HealthCheckProtocol: 'TCP',
          HealthCheckIntervalSeconds: 10,
          HealthyThresholdCount: 2,
        },
        tags,
      );
      await this.register(sshGroup, endpoint.host, TASK_SSH_PORT);
      if (existingListener) {
        if (!forwardTargets(existingListener.DefaultActions).includes(sshGroup.TargetGroupArn ?? '')) {
          throw new Error(`port ${port} of ${nlb.dnsName} already has a listener for something else`);
        }
      } else {
        await this.createListener(nlb, port, sshGroup, tags);
      }
    } catch (error) {
      await this.detach(session.id).catch((cleanup: unknown) =>
        this.log.warn('ingress rollback failed; the reconciler retries', {
          sessionId: session.id,
          error: errorMessage(cleanup),
        }),
      );
      if (QUOTA_ERRORS.has(awsErrorName(error) ?? '')) {
        throw new IngressCapacityReached(
          'apps',
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
        if (ours) await this.ignoreMissing(new DeleteRuleCommand({ RuleArn: rule.RuleArn }));
      }
    }
    if (groupArns.size > 0) {
      for (const nlb of this.config.nlbPool) {
        for (const listener of await listListeners(this.elbv2, nlb.loadBalancerArn)) {
          if (
            listener.ListenerArn &&
            forwardTargets(listener.DefaultActions).some((arn) => groupArns.has(arn))
          ) {
            await this.ignoreMissing(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
          }
        }
      }
    }
    for (const group of groups) {
      await this.ignoreMissing(new DeleteTargetGroupCommand({ TargetGroupArn: group.TargetGroupArn }));
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

  private async ensureTargetGroup(
    name: string,
    settings: Omit<CreateTargetGroupCommandInput, 'Name' | 'VpcId' | 'TargetType' | 'Tags'>,
    tags: Tag[],
  ): Promise<TargetGroup & { TargetGroupArn: string }> {
    const group =
      (await findTargetGroup(this.elbv2, name)) ??
      (
        await this.elbv2.send(
          new CreateTargetGroupCommand({
            Name: name,
            VpcId: this.config.vpcId,
            TargetType: 'ip',
            Tags: tags,
            ...settings,
          }),
        )
      ).TargetGroups?.[0];
    if (!group?.TargetGroupArn) throw new Error(`target group ${name} was not created`);
    return { ...group, TargetGroupArn: group.TargetGroupArn };
  }

  private async register(group: { TargetGroupArn: string }, ip: string, port: number): Promise<void> {
    await this.elbv2.send(
      new RegisterTargetsCommand({ TargetGroupArn: group.TargetGroupArn, Targets: [{ Id: ip, Port: port }] }),
    );
  }

  private async createRule(
    load: AlbLoad,
    group: { TargetGroupArn: string },
    sessionId: string,
    tags: Tag[],
  ): Promise<void> {
    const used = new Set(load.rules.map((r: Rule) => Number(r.Priority)));
    for (let attempt = 0; attempt < PRIORITY_TRIES; attempt++) {
      const priority = this.freePriority(used);
      try {
        await this.elbv2.send(
          new CreateRuleCommand({
            ListenerArn: load.alb.listenerArn,
            Priority: priority,
            Conditions: ruleConditions(sessionId, this.config.domain),
            Actions: [{ Type: 'forward', TargetGroupArn: group.TargetGroupArn }],
            Tags: tags,
          }),
        );
        return;
      } catch (error) {
        // Another attach took this priority a moment ago: pick another.
        if (awsErrorName(error) !== 'PriorityInUse' && awsErrorName(error) !== 'PriorityInUseException')
          throw error;
        used.add(priority);
      }
    }
    throw new Error(`no free rule priority on ${load.alb.dnsName} after ${PRIORITY_TRIES} tries`);
  }

  /** A random free priority: concurrent attaches rarely pick the same one. */
  private freePriority(used: Set<number>): number {
    const { min, max } = RULE_PRIORITY_RANGE;
    for (;;) {
      const priority = min + Math.floor(this.random() * (max - min + 1));
      if (!used.has(priority)) return priority;
    }
  }

  private async createListener(
    nlb: NlbPoolMember,
    port: number,
    group: { TargetGroupArn: string },
    tags: Tag[],
  ): Promise<void> {
    await this.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: nlb.loadBalancerArn,
        Protocol: 'TCP',
        Port: port,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: group.TargetGroupArn }],
        Tags: tags,
      }),
    );
  }

  private async ignoreMissing(
    command: DeleteRuleCommand | DeleteListenerCommand | DeleteTargetGroupCommand,
  ): Promise<void> {
    try {
      // The union of commands has no common `send` overload; each is a plain ELBv2 command.
      await this.elbv2.send(command as DeleteRuleCommand);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
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
