/**
 * Readies /home/work, which may be a brand-new empty host directory or EFS access point. The
 * agent runs as root here and the home belongs to the user, so it never follows a path the user
 * could have turned into a symlink: it only creates files that do not exist yet (O_EXCL) and
 * changes ownership through the descriptor it created.
 */
import { constants } from 'node:fs';
import { chmod, chown, lstat, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORK_USER } from './config.ts';
import { errorMessage, log } from './log.ts';

const SKELETON_DIR = '/etc/skel';
const GROUP_OR_OTHER_WRITE = 0o022;

export async function prepareHome(home: string = WORK_USER.home): Promise<void> {
  await mkdir(home, { recursive: true });
  const stat = await lstat(home);
  try {
    if (stat.uid !== WORK_USER.uid || stat.gid !== WORK_USER.gid) {
      // Only the top: a recursive chown of a large EFS home would delay every start.
      await chown(home, WORK_USER.uid, WORK_USER.gid);
      log.info('home-chowned', { fromUid: stat.uid, fromGid: stat.gid });
    }
    if ((stat.mode & GROUP_OR_OTHER_WRITE) !== 0) {
      // sshd's StrictModes ignores ~/.ssh/authorized_keys under a group- or world-writable home.
      await chmod(home, stat.mode & 0o7755);
      log.info('home-mode-tightened', { from: (stat.mode & 0o7777).toString(8) });
    }
  } catch (err) {
    // An EFS access point that enforces its own identity refuses root's chown; the session key
    // in /run/berth still admits SSH, so start rather than fail.
    log.warn('home-not-adjusted', { error: errorMessage(err) });
  }

  const created: string[] = [];
  for (const name of await readdir(SKELETON_DIR)) {
    if (await createIfMissing(join(home, name), await readFile(join(SKELETON_DIR, name)), 0o644)) {
      created.push(name);
    }
  }
  if (await createDirIfMissing(join(home, '.ssh'), 0o700)) created.push('.ssh');
  if (created.length > 0) log.info('home-initialized', { created: created.join(',') });
}

async function createIfMissing(path: string, content: Buffer, mode: number): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await file.writeFile(content);
    await file.chown(WORK_USER.uid, WORK_USER.gid);
  } finally {
    await file.close();
  }
  return true;
}

async function createDirIfMissing(path: string, mode: number): Promise<boolean> {
  try {
    await mkdir(path, { mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  // mkdir refused to reuse an existing name, so this is the directory just made, not a link.
  const dir = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    await dir.chown(WORK_USER.uid, WORK_USER.gid);
  } finally {
    await dir.close();
  }
  return true;
}
