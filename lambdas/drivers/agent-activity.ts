/**
 * Pulls a session's activity from its agent (GET /_berth/activity). Pull rather than push, so a
 * session never needs a route to the control plane; used on one host and on AWS alike.
 */
import { activityCredential } from '../core/app-token.ts';
import type { Activity, ActivityProbe } from '../core/interfaces.ts';
import type { SessionRecord } from '../core/model.ts';

export class AgentActivityProbe implements ActivityProbe {
  constructor(private readonly timeoutMs = 3000) {}

  async read(session: SessionRecord): Promise<Activity | undefined> {
    if (!session.endpoint) return undefined;
    const { host, port } = session.endpoint;
    const response = await fetch(`http://${host}:${port}/_berth/activity`, {
      headers: { Authorization: `Bearer ${activityCredential(session.appSecret)}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`agent answered ${response.status}`);
    const body = (await response.json()) as Partial<Activity>;
    if (typeof body.lastActivityAt !== 'string' || Number.isNaN(Date.parse(body.lastActivityAt))) {
      throw new Error('agent sent no lastActivityAt');
    }
    return { lastActivityAt: body.lastActivityAt };
  }
}
