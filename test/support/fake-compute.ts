/**
 * An in-memory Compute for API and core tests, which must not need Docker. It records calls and
 * lets a test play the event source (Docker events / ECS events) by hand. The real drivers are
 * exercised by the end-to-end tests.
 */
import type { Compute, ComputeSpec, ComputeStatus } from '../../lambdas/core/interfaces.ts';
import type { Endpoint } from '../../lambdas/core/model.ts';

export class FakeCompute implements Compute {
  readonly tasks = new Map<string, ComputeStatus & { spec: ComputeSpec }>();
  failNextRun?: Error;
  private counter = 0;

  async run(spec: ComputeSpec): Promise<{ computeId: string }> {
    if (this.failNextRun) {
      const error = this.failNextRun;
      this.failNextRun = undefined;
      throw error;
    }
    const computeId = `task-${++this.counter}`;
    this.tasks.set(computeId, { computeId, sessionId: spec.sessionId, state: 'PROVISIONING', spec });
    return { computeId };
  }

  async stop(computeId: string): Promise<void> {
    const task = this.tasks.get(computeId);
    if (task) task.state = 'STOPPED';
  }

  async remove(computeId: string): Promise<void> {
    this.tasks.delete(computeId);
  }

  async describe(computeId: string): Promise<ComputeStatus | undefined> {
    return this.tasks.get(computeId);
  }

  async list(): Promise<ComputeStatus[]> {
    return [...this.tasks.values()];
  }

  /** Marks the session's task healthy, as the agent's health check would. */
  becomeHealthy(sessionId: string, endpoint: Endpoint = { host: '127.0.0.1', port: 1 }): ComputeStatus {
    const task = [...this.tasks.values()].find((t) => t.sessionId === sessionId);
    if (!task) throw new Error(`no task for ${sessionId}`);
    task.state = 'RUNNING';
    task.endpoint = endpoint;
    return task;
  }

  forSession(sessionId: string) {
    return [...this.tasks.values()].filter((t) => t.sessionId === sessionId);
  }
}
