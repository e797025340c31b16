/** Users, API keys and settings. Keys are stored only as hashes; the plain key is shown once. */
import { Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, UserNameTaken } from './errors.ts';
import { hashApiKey, newApiKey, newUserId } from './ids.ts';
import type { Store } from './interfaces.ts';
import type { Role, User, UserSettings } from './model.ts';
import { SSH_PORT_RANGE } from './names.ts';
import type { Sessions } from './sessions.ts';

export const ADMIN_NAME = 'admin';

export function requireAdmin(actor: User): void {
  if (actor.role !== 'admin') throw new Forbidden('Only an admin may do this.');
}

export class Users {
  constructor(
    private readonly store: Store,
    private readonly sessions: Sessions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(apiKey: string | undefined): Promise<User> {
    if (!apiKey) throw new Unauthorized();
    const user = await this.store.getUserByApiKeyHash(hashApiKey(apiKey));
    if (!user) throw new Unauthorized('The API key is not valid.');
    return user;
  }

  /**
   * Makes sure the admin exists. With `pinnedKey` that exact key authenticates as the admin;
   * otherwise a key is generated the first time and returned (and never again).
   */
  async bootstrapAdmin(pinnedKey?: string): Promise<{ user: User; generatedKey?: string }> {
    const existing = await this.store.getUserByName(ADMIN_NAME);
    if (existing) {
      if (pinnedKey) await this.store.putApiKey(hashApiKey(pinnedKey), existing.id);
      return { user: existing };
    }
    const key = pinnedKey ?? newApiKey();
    const user = await this.insert(ADMIN_NAME, 'admin', key);
    return pinnedKey ? { user } : { user, generatedKey: key };
  }

  private async insert(name: string, role: Role, apiKey: string): Promise<User> {
    const user: User = { id: newUserId(), name, role, settings: {}, createdAt: this.clock().toISOString() };
    await this.store.createUser(user, hashApiKey(apiKey));
    return user;
  }

  async create(actor: User, input: { name: string; role?: Role }): Promise<{ user: User; apiKey: string }> {
    requireAdmin(actor);
    if (await this.store.getUserByName(input.name)) throw new UserNameTaken(input.name);
    const apiKey = newApiKey();
    const user = await this.insert(input.name, input.role ?? 'user', apiKey);
    return { user, apiKey };
  }

  async list(actor: User): Promise<User[]> {
    requireAdmin(actor);
    return this.store.listUsers();
  }

  /** Deletes the user's sessions too; their home folder stays on disk for the operator to archive. */
  async remove(actor: User, id: string): Promise<void> {
    requireAdmin(actor);
    if (id === actor.id)
      throw new Conflict('self-delete', 'Cannot delete yourself', 'An admin cannot delete their own user.');
    const user = await this.store.getUser(id);
    if (!user) throw new NotFound('User', id);
    for (const session of await this.store.listSessions(user.id)) await this.sessions.destroy(session);
    await this.store.deleteUser(user);
  }

  async replaceSettings(actor: User, settings: UserSettings): Promise<User> {
    const port = settings.preferredSshPort;
    if (
      port !== undefined &&
      (!Number.isInteger(port) || port < SSH_PORT_RANGE.min || port > SSH_PORT_RANGE.max)
    ) {
      throw new InvalidInput('preferredSshPort is out of range.', [
        { field: 'preferredSshPort', detail: `must be from ${SSH_PORT_RANGE.min} to ${SSH_PORT_RANGE.max}` },
      ]);
    }
    return this.store.updateUserSettings(actor.id, settings);
  }
}
