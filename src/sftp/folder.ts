/**
 * An account's SFTP folder (docs/sftp.md): a virtual root holding `inbox/` (the account writes files
 * there) and `outbox/` (the platform writes answers there; the account reads and deletes them).
 * Every path a client sends is resolved inside the root — `..` stops at the root, so no path leaves
 * it — and nothing is a symbolic link: one found on disk is refused, never followed.
 */
import { mkdirSync } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';

export const INBOX = 'inbox';
export const OUTBOX = 'outbox';

/** Where a client path lands: the root itself, one of the two folders, or a file in one of them. */
export type Place =
  | { kind: 'root' }
  | { kind: 'folder'; folder: typeof INBOX | typeof OUTBOX }
  | { kind: 'file'; folder: typeof INBOX | typeof OUTBOX; name: string }
  | { kind: 'none' };

/** The client's path as the account sees it: absolute, normalised, never above `/`. */
export function virtualPath(path: string): string {
  const normal = posix.normalize(posix.join('/', path.replace(/\\/g, '/')));
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** Names a client may give a file: no separators, no control characters, not hidden. */
export function isFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 200 &&
    !name.startsWith('.') &&
    !/[/\\]/.test(name) &&
    !/\p{Cc}/u.test(name)
  );
}

export function placeOf(path: string): Place {
  const parts = virtualPath(path).split('/').filter(Boolean);
  if (parts.length === 0) return { kind: 'root' };
  const [folder, name, ...rest] = parts;
  if (folder !== INBOX && folder !== OUTBOX) return { kind: 'none' };
  if (name === undefined) return { kind: 'folder', folder };
  if (rest.length > 0 || !isFileName(name)) return { kind: 'none' };
  return { kind: 'file', folder, name };
}

export class AccountFolder {
  constructor(readonly root: string) {}

  real(place: Place): string {
    switch (place.kind) {
      case 'root':
        return this.root;
      case 'folder':
        return join(this.root, place.folder);
      case 'file':
        return join(this.root, place.folder, place.name);
      case 'none':
        throw new Error('no real path for a place outside the folder');
    }
  }

  ensureNow(): void {
    mkdirSync(join(this.root, INBOX), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.root, OUTBOX), { recursive: true, mode: 0o700 });
  }

  async ensure(): Promise<void> {
    await mkdir(join(this.root, INBOX), { recursive: true, mode: 0o700 });
    await mkdir(join(this.root, OUTBOX), { recursive: true, mode: 0o700 });
  }

  /** Whether the path is a symbolic link (or a parent is): such a path is refused. */
  async linked(place: Place): Promise<boolean> {
    const paths = [this.root];
    if (place.kind === 'folder' || place.kind === 'file') paths.push(join(this.root, place.folder));
    if (place.kind === 'file') paths.push(this.real(place));
    for (const p of paths) {
      const s = await lstat(p).catch(() => null);
      if (s?.isSymbolicLink()) return true;
    }
    return false;
  }

  /** Bytes and files kept in both folders, for the quotas. */
  async usage(): Promise<{ bytes: number; files: number }> {
    let bytes = 0;
    let files = 0;
    for (const folder of [INBOX, OUTBOX]) {
      const dir = join(this.root, folder);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const s = await lstat(join(dir, name)).catch(() => null);
        if (!s?.isFile()) continue;
        bytes += s.size;
        files += 1;
      }
    }
    return { bytes, files };
  }
}
