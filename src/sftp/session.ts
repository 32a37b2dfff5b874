/**
 * One SFTP session of one account (docs/sftp.md), over ssh2's SFTP server stream. What it allows:
 * list the root, `inbox/` and `outbox/`; write, rename and delete files in `inbox/`; read and delete
 * files in `outbox/`. Nothing else: no folders made, no links (SYMLINK and READLINK are refused), no
 * path outside the folder (folder.ts), and the quotas hold while a file is written. A file written
 * or renamed to a completed name (`.csv`, `.xlsx`) is handed to the intake at once.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';
import { INBOX, OUTBOX, placeOf, virtualPath, type AccountFolder, type Place } from './folder.js';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;

export interface SessionLimits {
  quotaBytes: number;
  quotaFiles: number;
}

export interface SessionHooks {
  /** A completed file is in the inbox. */
  completed(name: string): void;
  /** Files being written now: the intake leaves them alone. */
  writing: Set<string>;
}

/** Files the intake takes: what is still being uploaded carries another suffix (`.part`). */
export function isCompletedName(name: string): boolean {
  return /\.(csv|xlsx)$/i.test(name);
}

type Handle =
  | { kind: 'file'; fd: FileHandle; path: string; name: string; writing: boolean; baseBytes: number }
  | { kind: 'dir'; entries: FileEntry[] | null; place: Place };

function attrsOf(s: Stats): Attributes {
  return {
    mode: s.mode,
    uid: 0,
    gid: 0,
    size: s.size,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
  };
}

function longname(name: string, s: Stats): string {
  const type = s.isDirectory() ? 'd' : '-';
  const perm = s.isDirectory() ? 'rwx------' : 'rw-------';
  const when = new Date(s.mtimeMs).toISOString().slice(0, 16).replace('T', ' ');
  return `${type}${perm} 1 sms12333 sms12333 ${String(s.size).padStart(10)} ${when} ${name}`;
}

export function serveSftp(
  sftp: SFTPWrapper,
  folder: AccountFolder,
  limits: SessionLimits,
  hooks: SessionHooks,
): void {
  const handles = new Map<number, Handle>();
  let next = 1;
  const handleOf = (buf: Buffer): [number, Handle] | null => {
    if (buf.length !== 4) return null;
    const id = buf.readUInt32BE(0);
    const h = handles.get(id);
    return h ? [id, h] : null;
  };
  const newHandle = (h: Handle): Buffer => {
    const id = next++;
    handles.set(id, h);
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(id, 0);
    return buf;
  };
  const deny = (reqId: number, why = '不允许 (not permitted)'): void => {
    sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, why);
  };
  const missing = (reqId: number): void => {
    sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'No such file');
  };
  const ok = (reqId: number): void => {
    sftp.status(reqId, STATUS_CODE.OK);
  };
  /** A place the client may touch: inside the folder and not a link. */
  const usable = async (path: string): Promise<Place | null> => {
    const place = placeOf(path);
    if (place.kind === 'none') return null;
    return (await folder.linked(place)) ? null : place;
  };
  const guard = (reqId: number, work: () => Promise<void>): void => {
    work().catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') missing(reqId);
      else sftp.status(reqId, STATUS_CODE.FAILURE, code ?? 'failure');
    });
  };

  sftp.on('REALPATH', (reqId, path) => {
    const shown = virtualPath(path);
    sftp.name(reqId, [{ filename: shown, longname: shown, attrs: {} as Attributes }]);
  });

  const statAt = (reqId: number, path: string): void =>
    guard(reqId, async () => {
      const place = await usable(path);
      if (!place) return missing(reqId);
      sftp.attrs(reqId, attrsOf(await lstat(folder.real(place))));
    });
  sftp.on('STAT', statAt);
  sftp.on('LSTAT', statAt);

  sftp.on('OPEN', (reqId, path, flags) =>
    guard(reqId, async () => {
      const place = await usable(path);
      if (!place || place.kind !== 'file') return place ? deny(reqId) : missing(reqId);
      const real = folder.real(place);
      const writing =
        (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) !== 0;
      if (writing) {
        if (place.folder !== INBOX) return deny(reqId, 'outbox 只读 (outbox is read-only)');
        const usage = await folder.usage();
        const existing = await lstat(real).catch(() => null);
        if (!existing && usage.files >= limits.quotaFiles)
          return deny(reqId, `文件数已达上限 ${limits.quotaFiles} (file quota reached)`);
        let mode = constants.O_WRONLY | constants.O_NOFOLLOW;
        if (flags & OPEN_MODE.READ) mode = constants.O_RDWR | constants.O_NOFOLLOW;
        if (flags & OPEN_MODE.CREAT) mode |= constants.O_CREAT;
        if (flags & OPEN_MODE.TRUNC) mode |= constants.O_TRUNC;
        if (flags & OPEN_MODE.EXCL) mode |= constants.O_EXCL;
        if (flags & OPEN_MODE.APPEND) mode |= constants.O_APPEND;
        const fd = await open(real, mode, 0o600);
        hooks.writing.add(real);
        const baseBytes = usage.bytes - (flags & OPEN_MODE.TRUNC ? (existing?.size ?? 0) : 0);
        sftp.handle(
          reqId,
          newHandle({ kind: 'file', fd, path: real, name: place.name, writing: true, baseBytes }),
        );
        return;
      }
      const fd = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
      sftp.handle(
        reqId,
        newHandle({ kind: 'file', fd, path: real, name: place.name, writing: false, baseBytes: 0 }),
      );
    }),
  );

  sftp.on('WRITE', (reqId, buf, offset, data) =>
    guard(reqId, async () => {
      const found = handleOf(buf);
      if (found?.[1].kind !== 'file' || !found[1].writing) return sftp.status(reqId, STATUS_CODE.FAILURE);
      const h = found[1];
      const size = (await h.fd.stat()).size;
      if (h.baseBytes + Math.max(size, offset + data.length) > limits.quotaBytes)
        return sftp.status(
          reqId,
          STATUS_CODE.FAILURE,
          `超过空间配额 ${limits.quotaBytes} 字节 (byte quota exceeded)`,
        );
      await h.fd.write(data, 0, data.length, offset);
      ok(reqId);
    }),
  );

  sftp.on('READ', (reqId, buf, offset, len) =>
    guard(reqId, async () => {
      const found = handleOf(buf);
      if (found?.[1].kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE);
      const out = Buffer.alloc(Math.min(len, 256 * 1024));
      const { bytesRead } = await found[1].fd.read(out, 0, out.length, offset);
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, out.subarray(0, bytesRead));
    }),
  );

  sftp.on('FSTAT', (reqId, buf) =>
    guard(reqId, async () => {
      const found = handleOf(buf);
      if (found?.[1].kind !== 'file') return sftp.status(reqId, STATUS_CODE.FAILURE);
      sftp.attrs(reqId, attrsOf(await found[1].fd.stat()));
    }),
  );
  // Times and modes are the platform's to keep: accepted and ignored, so `put -p` still works.
  sftp.on('FSETSTAT', (reqId) => ok(reqId));
  sftp.on('SETSTAT', (reqId) => ok(reqId));

  sftp.on('CLOSE', (reqId, buf) =>
    guard(reqId, async () => {
      const found = handleOf(buf);
      if (!found) return sftp.status(reqId, STATUS_CODE.FAILURE);
      const [id, h] = found;
      handles.delete(id);
      if (h.kind === 'file') {
        await h.fd.close();
        if (h.writing) {
          hooks.writing.delete(h.path);
          if (isCompletedName(h.name)) hooks.completed(h.name);
        }
      }
      ok(reqId);
    }),
  );

  sftp.on('OPENDIR', (reqId, path) =>
    guard(reqId, async () => {
      const place = await usable(path);
      if (!place) return missing(reqId);
      if (place.kind === 'file') return sftp.status(reqId, STATUS_CODE.FAILURE, 'Not a directory');
      sftp.handle(reqId, newHandle({ kind: 'dir', entries: null, place }));
    }),
  );

  sftp.on('READDIR', (reqId, buf) =>
    guard(reqId, async () => {
      const found = handleOf(buf);
      if (found?.[1].kind !== 'dir') return sftp.status(reqId, STATUS_CODE.FAILURE);
      const h = found[1];
      if (h.entries !== null) {
        h.entries = [];
        return sftp.status(reqId, STATUS_CODE.EOF);
      }
      const dir = folder.real(h.place);
      const names = h.place.kind === 'root' ? [INBOX, OUTBOX] : await readdir(dir);
      const entries: FileEntry[] = [];
      for (const name of names.sort()) {
        const s = await lstat(join(dir, name)).catch(() => null);
        // Links, and whatever else is not a plain file, are not shown.
        if (!s || s.isSymbolicLink() || (h.place.kind !== 'root' && !s.isFile())) continue;
        entries.push({ filename: name, longname: longname(name, s), attrs: attrsOf(s) });
      }
      h.entries = entries;
      if (entries.length === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.name(reqId, entries);
    }),
  );

  sftp.on('REMOVE', (reqId, path) =>
    guard(reqId, async () => {
      const place = await usable(path);
      if (!place) return missing(reqId);
      if (place.kind !== 'file') return deny(reqId);
      await rm(folder.real(place));
      ok(reqId);
    }),
  );

  sftp.on('RENAME', (reqId, from, to) =>
    guard(reqId, async () => {
      const a = await usable(from);
      const b = await usable(to);
      if (!a || !b) return a ? deny(reqId) : missing(reqId);
      if (a.kind !== 'file' || b.kind !== 'file' || a.folder !== INBOX || b.folder !== INBOX)
        return deny(reqId, '只能在 inbox 内改名 (rename only within inbox)');
      await rename(folder.real(a), folder.real(b));
      ok(reqId);
      if (isCompletedName(b.name)) hooks.completed(b.name);
    }),
  );

  sftp.on('MKDIR', (reqId) => deny(reqId, '不能新建文件夹 (no folders)'));
  sftp.on('RMDIR', (reqId) => deny(reqId, '不能删除文件夹 (no folders)'));
  sftp.on('SYMLINK', (reqId) => deny(reqId, '不允许符号链接 (no symbolic links)'));
  sftp.on('READLINK', (reqId) => deny(reqId, '不允许符号链接 (no symbolic links)'));
  sftp.on('EXTENDED', (reqId) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED));

  // The client is done: close our side too, or it waits for the channel to close.
  sftp.on('end', () => sftp.end());
  sftp.on('close', () => {
    for (const h of handles.values()) {
      if (h.kind !== 'file') continue;
      void h.fd.close().catch(() => undefined);
      if (h.writing) hooks.writing.delete(h.path);
    }
    handles.clear();
  });
}
