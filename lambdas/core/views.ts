/** What clients see of a session: no secrets, stable field names, nulls instead of holes. */
import { APP_NAMES, type AppName } from './apps.ts';
import type { CoreConfig } from './config.ts';
import type { AppInfo, SessionRecord, SessionView } from './model.ts';

export const SSH_USER = 'work';

const APP_TITLES: Record<AppName, string> = { jupyter: 'Jupyter Notebook', ttyd: 'Terminal' };

export function appsOf(sessionId: string): AppInfo[] {
  return APP_NAMES.map((name) => ({ name, title: APP_TITLES[name], path: `/s/${sessionId}/${name}/` }));
}

export function toView(record: SessionRecord, config: Pick<CoreConfig, 'sshHost'>): SessionView {
  return {
    id: record.id,
    name: record.name,
    owner: { id: record.ownerId, name: record.ownerName },
    status: record.status,
    statusReason: record.statusReason ?? null,
    image: record.image,
    resources: record.resources,
    ssh: {
      host: record.sshHost ?? config.sshHost,
      port: record.sshPort ?? null,
      user: SSH_USER,
      keyType: record.sshKeyType,
    },
    apps: appsOf(record.id),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    startedAt: record.startedAt ?? null,
    stoppedAt: record.stoppedAt ?? null,
    lastActivityAt: record.lastActivityAt ?? null,
  };
}
