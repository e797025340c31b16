/**
 * Domain errors. Each carries the HTTP status and problem type it maps to, so the API maps them
 * once (app.onError) and the core never imports a web framework.
 */
export interface FieldError {
  field: string;
  detail: string;
}

export class BerthError extends Error {
  override name = 'BerthError';
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

export class NotFound extends BerthError {
  override name = 'NotFound';
  constructor(what: string, key: string) {
    super(
      404,
      'not-found',
      `${what} not found`,
      `No ${what.toLowerCase()} "${key}" exists, or it is not yours.`,
    );
  }
}

export class InvalidInput extends BerthError {
  override name = 'InvalidInput';
  constructor(detail: string, errors?: FieldError[]) {
    super(422, 'invalid-input', 'Invalid input', detail, errors);
  }
}

export class Conflict extends BerthError {
  override name = 'Conflict';
  constructor(type: string, title: string, detail: string) {
    super(409, type, title, detail);
  }
}

export class SessionNotInState extends Conflict {
  override name = 'SessionNotInState';
  constructor(sessionName: string, status: string, wanted: string) {
    super(
      'session-state',
      'Session is not in a state that allows this',
      `Session "${sessionName}" is ${status}; ${wanted}.`,
    );
  }
}

export class SessionNameTaken extends Conflict {
  override name = 'SessionNameTaken';
  constructor(name: string) {
    super('session-name-taken', 'Session name taken', `You already have a session named "${name}".`);
  }
}

export class UserNameTaken extends Conflict {
  override name = 'UserNameTaken';
  constructor(name: string) {
    super('user-name-taken', 'User name taken', `A user named "${name}" already exists.`);
  }
}

export class SessionLimitReached extends Conflict {
  override name = 'SessionLimitReached';
  constructor(limit: number) {
    super(
      'session-limit',
      'Session limit reached',
      `You already have ${limit} active session(s), the most allowed per user. Stop one first.`,
    );
  }
}

export class CapacityReached extends BerthError {
  override name = 'CapacityReached';
  constructor(limit: number) {
    super(
      429,
      'capacity',
      'Berth is at capacity',
      `All ${limit} session slots of this installation are in use. Try again when a session stops.`,
      undefined,
      { 'Retry-After': '60' },
    );
  }
}

export class Forbidden extends BerthError {
  override name = 'Forbidden';
  constructor(detail: string) {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class Unauthorized extends BerthError {
  override name = 'Unauthorized';
  constructor(detail = 'Send an API key as "Authorization: Bearer <key>".') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

/** A store write lost an optimistic-concurrency race; the caller re-reads and decides again. */
export class StaleWrite extends Error {
  override name = 'StaleWrite';
}
