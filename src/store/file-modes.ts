/**
 * The data at rest is the service user's alone (docs/data-protection.md): the database's folder
 * 0700; the database file, its WAL and shared-memory file, and the data key 0600. Created so, and
 * tightened at start when found looser — each change reported so the operator sees it once.
 * A folder others share on purpose (sticky, like /tmp, or someone else's) is never changed: the
 * notice asks for a folder of the service's own instead.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/** Tightens `path` to `mode` if group or others may read it; a notice when it did, null otherwise. */
export function keepPrivate(path: string, mode: 0o600 | 0o700): string | null {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((current & ~mode) === 0) return null;
  chmodSync(path, mode);
  return `${path}: 权限 ${octal(current)} 已收紧为 ${octal(mode)} (mode tightened from ${octal(current)} to ${octal(mode)})`;
}

/** The SQLite database's folder and file, made private before SQLite opens them. */
export function prepareSqliteFiles(path: string): string[] {
  const notices: string[] = [];
  const file = resolve(path);
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const info = statSync(folder);
  const shared =
    (info.mode & 0o1000) !== 0 || (process.getuid !== undefined && info.uid !== process.getuid());
  if (!shared) {
    const notice = keepPrivate(folder, 0o700);
    if (notice) notices.push(notice);
  } else if ((info.mode & 0o077) !== 0) {
    notices.push(
      `${folder}: 数据库所在目录为共享目录，请为数据库单独建立 0700 目录 (a shared folder: give the database a folder of its own, mode 0700)`,
    );
  }
  // SQLite gives its WAL and shared-memory files the database file's mode: create it private.
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    const notice = keepPrivate(f, 0o600);
    if (notice) notices.push(notice);
  }
  return notices;
}
