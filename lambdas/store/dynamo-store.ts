/**
 * The store, on DynamoDB (dynalite on one host). Every invariant is a single-item conditional
 * write: no transactions (dynalite has none, and they double the cost).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SessionNameTaken, StaleWrite, UserNameTaken } from '../core/errors.ts';
import type { PortHold, SlotHold, SlotScope, Store } from '../core/interfaces.ts';
import { isActive, type SessionRecord, type User, type UserSettings } from '../core/model.ts';
import { INDEXES } from './table.ts';

type Item = Record<string, unknown>;

const key = {
  user: (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' }),
  userName: (name: string) => ({ pk: `USERNAME#${name}`, sk: 'USERNAME' }),
  apiKey: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  session: (ownerId: string, name: string) => ({ pk: `USER#${ownerId}`, sk: `SESSION#${name}` }),
  port: (port: number) => ({ pk: 'PORTS', sk: String(port).padStart(5, '0') }),
  slot: (scope: SlotScope, index: number) => ({
    pk: 'SLOTS',
    sk: `${slotPrefix(scope)}${String(index).padStart(4, '0')}`,
  }),
};

function slotPrefix(scope: SlotScope): string {
  return scope.kind === 'global' ? 'GLOBAL#' : `USER#${scope.userId}#`;
}

const STORE_KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'apiKeyHashes'];

function strip<T>(item: Item): T {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!STORE_KEYS.includes(k)) out[k] = v;
  return out as T;
}

function activeIndexKeys(record: Pick<SessionRecord, 'id' | 'status'>): Item {
  return isActive(record.status) ? { gsi2pk: 'ACTIVE', gsi2sk: record.id } : {};
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey }),
      );
      items.push(...((page.Items as Item[] | undefined) ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey as Item | undefined;
    } while (ExclusiveStartKey);
    return items;
  }

  private async get(k: Item, consistent = true): Promise<Item | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: k, ConsistentRead: consistent }),
    );
    return out.Item as Item | undefined;
  }

  private async deleteQuietly(k: Item): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: k }));
  }

  // ---- users ---------------------------------------------------------------------------------

  async createUser(user: User, apiKeyHash: string): Promise<void> {
    // Profile and key first (fresh ids cannot collide); the name claim decides, and undoes them if lost.
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key.user(user.id),
          type: 'user',
          gsi1pk: 'USERS',
          gsi1sk: user.id,
          ...user,
          apiKeyHashes: new Set([apiKeyHash]),
        },
      }),
    );
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...key.apiKey(apiKeyHash), userId: user.id } }),
    );
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key.userName(user.name), userId: user.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.deleteQuietly(key.apiKey(apiKeyHash));
      await this.deleteQuietly(key.user(user.id));
      throw new UserNameTaken(user.name);
    }
  }

  async getUser(id: string): Promise<User | undefined> {
    const item = await this.get(key.user(id));
    return item ? strip<User>(item) : undefined;
  }

  async getUserByName(name: string): Promise<User | undefined> {
    const pointer = await this.get(key.userName(name));
    return pointer ? this.getUser(String(pointer.userId)) : undefined;
  }

  async getUserByApiKeyHash(hash: string): Promise<User | undefined> {
    const pointer = await this.get(key.apiKey(hash));
    return pointer ? this.getUser(String(pointer.userId)) : undefined;
  }

  async listUsers(): Promise<User[]> {
    const items = await this.queryAll({
      IndexName: INDEXES.byKind.name,
      KeyConditionExpression: 'gsi1pk = :k',
      ExpressionAttributeValues: { ':k': 'USERS' },
    });
    return items.map((i) => strip<User>(i)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async updateUserSettings(id: string, settings: UserSettings): Promise<User> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.user(id),
        UpdateExpression: 'SET settings = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': settings },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<User>(out.Attributes as Item);
  }

  async putApiKey(hash: string, userId: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key.apiKey(hash), userId } }));
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key.user(userId),
        UpdateExpression: 'ADD apiKeyHashes :h',
        ExpressionAttributeValues: { ':h': new Set([hash]) },
      }),
    );
  }

  async deleteUser(user: User): Promise<void> {
    const item = await this.get(key.user(user.id));
    const hashes = (item?.apiKeyHashes as Set<string> | undefined) ?? new Set<string>();
    for (const hash of hashes) await this.deleteQuietly(key.apiKey(hash));
    await this.deleteQuietly(key.userName(user.name));
    await this.deleteQuietly(key.user(user.id));
  }

  // ---- sessions ------------------------------------------------------------------------------

  private sessionItem(record: SessionRecord): Item {
    return {
      ...key.session(record.ownerId, record.name),
      type: 'session',
      gsi1pk: 'SESSIONS',
      gsi1sk: record.id,
      ...activeIndexKeys(record),
      ...record,
    };
  }

  async putNewSession(record: SessionRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.sessionItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new SessionNameTaken(record.name);
      throw error;
    }
  }

  async getSession(ownerId: string, name: string): Promise<SessionRecord | undefined> {
    const item = await this.get(key.session(ownerId, name));
    return item ? strip<SessionRecord>(item) : undefined;
  }

  async getSessionById(id: string): Promise<SessionRecord | undefined> {
    // The index is eventually consistent, so re-read the item itself for the current version.
    const [hit] = await this.queryAll({
      IndexName: INDEXES.byKind.name,
      KeyConditionExpression: 'gsi1pk = :k AND gsi1sk = :id',
      ExpressionAttributeValues: { ':k': 'SESSIONS', ':id': id },
    });
    if (!hit) return undefined;
    return this.getSession(String(hit.ownerId), String(hit.name));
  }

  async listSessions(ownerId: string): Promise<SessionRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': `USER#${ownerId}`, ':s': 'SESSION#' },
      ConsistentRead: true,
    });
    return items.map((i) => strip<SessionRecord>(i));
  }

  async listAllSessions(): Promise<SessionRecord[]> {
    const items = await this.queryAll({
      IndexName: INDEXES.byKind.name,
      KeyConditionExpression: 'gsi1pk = :k',
      ExpressionAttributeValues: { ':k': 'SESSIONS' },
    });
    return items.map((i) => strip<SessionRecord>(i));
  }

  async listActiveSessions(): Promise<SessionRecord[]> {
    const items = await this.queryAll({
      IndexName: INDEXES.active.name,
      KeyConditionExpression: 'gsi2pk = :k',
      ExpressionAttributeValues: { ':k': 'ACTIVE' },
    });
    // Re-read each: the sparse index lags, and every decision needs the current version.
    const fresh = await Promise.all(items.map((i) => this.getSession(String(i.ownerId), String(i.name))));
    return fresh.filter((s): s is SessionRecord => s !== undefined && isActive(s.status));
  }

  async updateSession(
    from: SessionRecord,
    patch: Partial<SessionRecord>,
    remove: (keyof SessionRecord)[] = [],
  ): Promise<SessionRecord> {
    const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
    const values: Item = { ':expectedVersion': from.version, ':expectedStatus': from.status, ':one': 1 };
    const sets: string[] = ['#version = #version + :one'];
    const removes: string[] = remove
      .filter((k) => !(k in patch))
      .map((k) => {
        names[`#${k}`] = k;
        return `#${k}`;
      });
    let i = 0;
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'version' || k === 'id' || k === 'ownerId' || k === 'name' || v === undefined) continue;
      names[`#${k}`] = k;
      values[`:v${i}`] = v;
      sets.push(`#${k} = :v${i}`);
      i++;
    }
    if (patch.status) {
      if (isActive(patch.status)) {
        sets.push('gsi2pk = :active, gsi2sk = :id');
        values[':active'] = 'ACTIVE';
        values[':id'] = from.id;
      } else {
        removes.push('gsi2pk', 'gsi2sk');
      }
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key.session(from.ownerId, from.name),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expectedVersion AND #status = :expectedStatus',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip<SessionRecord>(out.Attributes as Item);
    } catch (error) {
      if (isConditionFailure(error))
        throw new StaleWrite(`session ${from.id} changed since version ${from.version}`);
      throw error;
    }
  }

  async deleteSession(session: SessionRecord): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key.session(session.ownerId, session.name),
          ConditionExpression: '#version = :v',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':v': session.version },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleWrite(`session ${session.id} changed before delete`);
      throw error;
    }
  }

  // ---- ports and slots -----------------------------------------------------------------------

  /** A conditional put on an item only this holder may own; re-claiming one's own is a success. */
  private async claim(k: Item, sessionId: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...k, sessionId, claimedAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR sessionId = :sid',
          ExpressionAttributeValues: { ':sid': sessionId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Deletes only if `sessionId` still holds it: a late release never frees someone else's claim. */
  private async unclaim(k: Item, sessionId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: k,
          ConditionExpression: 'sessionId = :sid',
          ExpressionAttributeValues: { ':sid': sessionId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  claimPort(port: number, sessionId: string): Promise<boolean> {
    return this.claim(key.port(port), sessionId);
  }

  releasePort(port: number, sessionId: string): Promise<void> {
    return this.unclaim(key.port(port), sessionId);
  }

  async listPorts(): Promise<PortHold[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'PORTS' },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      port: Number(i.sk),
      sessionId: String(i.sessionId),
      claimedAt: String(i.claimedAt),
    }));
  }

  async claimSlot(scope: SlotScope, max: number, sessionId: string): Promise<number | undefined> {
    const prefix = slotPrefix(scope);
    const held = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': 'SLOTS', ':p': prefix },
      ConsistentRead: true,
    });
    const taken = new Set<number>();
    for (const item of held) {
      const index = Number(String(item.sk).slice(prefix.length));
      if (item.sessionId === sessionId) return index;
      taken.add(index);
    }
    const free = shuffled([...Array(max).keys()].filter((n) => !taken.has(n)));
    for (const index of free) {
      if (await this.claim(key.slot(scope, index), sessionId)) return index;
    }
    return undefined;
  }

  releaseSlot(scope: SlotScope, index: number, sessionId: string): Promise<void> {
    return this.unclaim(key.slot(scope, index), sessionId);
  }

  async listSlots(): Promise<SlotHold[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'SLOTS' },
      ConsistentRead: true,
    });
    return items.map((i) => {
      const parts = String(i.sk).split('#');
      const index = Number(parts.at(-1));
      const scope: SlotScope =
        parts[0] === 'GLOBAL' ? { kind: 'global' } : { kind: 'user', userId: String(parts[1]) };
      return { scope, index, sessionId: String(i.sessionId), claimedAt: String(i.claimedAt) };
    });
  }
}
