/**
 * Facts about the AWS deployment that the CDK stack, the AWS drivers and `npm run emulate` must
 * agree on. Imported by all three, so they cannot drift.
 */

/** Ports inside a session, task or container alike (docs/agent-contract.md); the Docker driver uses them too. */
export const AGENT_PORT = 8080;
export const TASK_SSH_PORT = 2222;
export const AGENT_HEALTH_PATH = '/healthz';

/** AWS's own limits, which moto does not enforce: the drivers enforce them themselves. */
export const AWS_LIMITS = {
  listenersPerNlb: 50,
  targetGroupsPerAlb: 100,
  rulesPerAlbListener: 100,
  tasksPerRunTask: 10,
  accessPointsPerFileSystem: 10_000,
} as const;

/** ALB listener rule priorities Berth uses (1..50000 is AWS's range). */
export const RULE_PRIORITY_RANGE = { min: 1, max: 50_000 } as const;

/** Tags put on every AWS resource made for a session, so each can be traced back to it. */
export const TAG = {
  session: 'berth:session',
  owner: 'berth:owner',
  managed: 'berth:managed',
} as const;

/** Where the EFS access points root users' homes: /users/{userId}, owned by uid/gid 1000. */
export const EFS_USERS_ROOT = '/users';
export const WORK_UID = 1000;

/** The ECS container name of the workspace in every task definition Berth registers. */
export const WORKSPACE_CONTAINER = 'workspace';

/**
 * Where the ingest Lambda mounts the EFS file system (through an access point rooted at `/` with
 * uid/gid WORK_UID), so a user's home is `${HOMES_MOUNT_PATH}${EFS_USERS_ROOT}/{userId}`.
 */
export const HOMES_MOUNT_PATH = '/mnt/homes';
