import type { Log } from '../core/log.ts';
import type { User } from '../core/model.ts';
import type { Sessions } from '../core/sessions.ts';
import type { Users } from '../core/users.ts';

/** What every route gets: the core services, and the authenticated user after `requireUser`. */
export interface ApiDeps {
  sessions: Sessions;
  users: Users;
  log: Log;
}

export interface ApiEnv {
  Variables: { user: User; deps: ApiDeps };
}
