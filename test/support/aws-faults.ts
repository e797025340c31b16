/**
 * Failure injection on real SDK clients talking to moto: a middleware that throws when a named
 * command is sent, before it leaves the process. Every other call still reaches moto, so a test
 * sees exactly what a failure at that one step leaves behind.
 */
import type { AwsClients } from '../../lambdas/drivers/aws/clients.ts';

export class InjectedFault extends Error {
  override name = 'InjectedFault';
}

interface Armed {
  command: string;
  error: Error;
  remaining: number;
}

export class Faults {
  private armed: Armed[] = [];
  /** commands sent, in order (after any fault was thrown) */
  readonly sent: string[] = [];

  constructor(clients: AwsClients) {
    for (const client of Object.values(clients)) {
      client.middlewareStack.add(
        (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
          async (args: unknown) => {
            const command = context.commandName ?? '';
            const fault = this.armed.find((a) => a.command === command && a.remaining > 0);
            if (fault) {
              fault.remaining--;
              throw fault.error;
            }
            this.sent.push(command);
            return next(args);
          },
        { step: 'initialize', name: 'berthTestFaults' },
      );
    }
  }

  /** The next `times` sends of `command` (e.g. 'CreateRuleCommand') throw. */
  failOn(command: string, options: { times?: number; error?: Error } = {}): void {
    this.armed.push({
      command,
      error: options.error ?? new InjectedFault(`injected failure of ${command}`),
      remaining: options.times ?? 1,
    });
  }

  clear(): void {
    this.armed = [];
    this.sent.length = 0;
  }
}
