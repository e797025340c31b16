/** Users' homes as host directories, bind-mounted at /home/work. uid 1000 is `work` in the image. */
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Volumes } from '../../core/interfaces.ts';

export const WORK_UID = 1000;

export class HostVolumes implements Volumes {
  constructor(private readonly homesDir: string) {}

  async ensureHome(user: { id: string }): Promise<string> {
    const home = path.resolve(this.homesDir, user.id);
    await mkdir(home, { recursive: true, mode: 0o750 });
    // Only root can hand the directory to uid 1000; a non-root operator's docker maps ids itself.
    if (process.getuid?.() === 0) await chown(home, WORK_UID, WORK_UID);
    return home;
  }
}
