/**
 * Single-host ingress: a routing table the built-in reverse proxy reads. SSH needs no entry here,
 * Docker publishes the session's port itself. The table lives in memory; after a restart the
 * reconciler re-attaches every RUNNING session.
 */
import type { Ingress } from '../../core/interfaces.ts';
import type { Endpoint, SessionRecord } from '../../core/model.ts';

export class HostIngress implements Ingress {
  readonly routes = new Map<string, Endpoint>();

  async attach(session: SessionRecord, endpoint: Endpoint): Promise<void> {
    this.routes.set(session.id, endpoint);
  }

  async detach(sessionId: string): Promise<void> {
    this.routes.delete(sessionId);
  }

  async list(): Promise<string[]> {
    return [...this.routes.keys()];
  }

  route(sessionId: string): Endpoint | undefined {
    return this.routes.get(sessionId);
  }
}
