/**
 * The one table's shape. The CDK stack and the single-host bootstrap (dynalite) both build the
 * table from this, so the keys the code queries always exist.
 *
 * Items:
 *   USER#{id}        / PROFILE          user              gsi1: USERS / {id}
 *   USERNAME#{name}  / USERNAME         name -> user id   (uniqueness by conditional put)
 *   APIKEY#{sha256}  / APIKEY           key hash -> user id
 *   USER#{ownerId}   / SESSION#{name}   session           gsi1: SESSIONS / {id}; gsi2: ACTIVE / {id} while active
 *   PORTS            / {port:05d}       SSH port hold     (uniqueness by conditional put)
 *   SLOTS            / GLOBAL#{n} | USER#{id}#{n}   session-limit slot holds
 */
export const DEFAULT_TABLE_NAME = 'berth';
export const TTL_ATTRIBUTE = 'expiresAt';

export const KEYS = { partition: 'pk', sort: 'sk' } as const;

export const INDEXES = {
  /** listings: all users, all sessions, session by id */
  byKind: { name: 'gsi1', partition: 'gsi1pk', sort: 'gsi1sk' },
  /** sparse: only sessions that hold compute, so the reaper's tick is O(active sessions) */
  active: { name: 'gsi2', partition: 'gsi2pk', sort: 'gsi2sk' },
} as const;

/** CreateTable input without the AWS SDK's types, so the CDK side can use it too. */
export function tableDefinition(tableName: string) {
  const index = (i: { name: string; partition: string; sort: string }) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partition, KeyType: 'HASH' as const },
      { AttributeName: i.sort, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      KEYS.partition,
      KEYS.sort,
      ...Object.values(INDEXES).flatMap((i) => [i.partition, i.sort]),
    ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: KEYS.partition, KeyType: 'HASH' as const },
      { AttributeName: KEYS.sort, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.values(INDEXES).map(index),
  };
}
