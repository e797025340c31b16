/**
 * Names and matches of a session's load balancer resources. Target group names are derived from
 * the session id, so every step can find what an earlier (possibly crashed) step made.
 */
import type { RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';

/** "berth-app-" + the id's 20 random characters: 30 of the 32 characters AWS allows. */
export const APP_TG_PREFIX = 'berth-app-';
export const SSH_TG_PREFIX = 'berth-ssh-';

const idPart = (sessionId: string) => sessionId.replace(/^s-/, '');

export const appTargetGroupName = (sessionId: string) => `${APP_TG_PREFIX}${idPart(sessionId)}`;
export const sshTargetGroupName = (sessionId: string) => `${SSH_TG_PREFIX}${idPart(sessionId)}`;

export const isBerthTargetGroupName = (name: string | undefined): boolean =>
  name !== undefined && (name.startsWith(APP_TG_PREFIX) || name.startsWith(SSH_TG_PREFIX));

/** Path prefix routing on the shared ALB, or a host name of its own when a domain is configured. */
export function ruleConditions(sessionId: string, domain: string | undefined): RuleCondition[] {
  return domain
    ? [{ Field: 'host-header', HostHeaderConfig: { Values: [sessionHost(sessionId, domain)] } }]
    : [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/s/${sessionId}`, `/s/${sessionId}/*`] } }];
}

export const sessionHost = (sessionId: string, domain: string) => `${sessionId}.${domain}`;

/** Does this rule route the session (by its conditions, whatever it forwards to)? */
export function ruleRoutesSession(conditions: RuleCondition[] | undefined, sessionId: string): boolean {
  return (conditions ?? []).some((c) => {
    const values = [
      ...(c.Values ?? []),
      ...(c.PathPatternConfig?.Values ?? []),
      ...(c.HostHeaderConfig?.Values ?? []),
    ];
    return values.some(
      (v) => v === `/s/${sessionId}` || v === `/s/${sessionId}/*` || v.startsWith(`${sessionId}.`),
    );
  });
}
