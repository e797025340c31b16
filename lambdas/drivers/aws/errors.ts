/** Domain errors of the AWS drivers; BerthError subclasses, so the API maps them to problem+json. */
import { BerthError } from '../../core/errors.ts';

/** Every load balancer of a pool is at an AWS quota: a new session cannot be served now. */
export class IngressCapacityReached extends BerthError {
  override name = 'IngressCapacityReached';
  constructor(what: 'SSH' | 'apps', detail: string) {
    super(
      503,
      'ingress-capacity',
      `No load balancer capacity left for ${what}`,
      `${detail} Ask an operator to add load balancers to the pool, or try again when a session is deleted.`,
      undefined,
      { 'Retry-After': '60' },
    );
  }
}

/** The EFS file system holds AWS's maximum of access points: no new user home can be made. */
export class HomeCapacityReached extends BerthError {
  override name = 'HomeCapacityReached';
  constructor(limit: number) {
    super(
      503,
      'home-capacity',
      'No room for another home folder',
      `The file system already has ${limit} access points (one per user), AWS's maximum. Ask an operator to add a file system.`,
    );
  }
}

/** The name of an AWS SDK error (its exception class), for the few codes a driver must tell apart. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const named = error as { name?: unknown; Code?: unknown };
  if (typeof named.name === 'string') return named.name;
  return typeof named.Code === 'string' ? named.Code : undefined;
}
