/**
 * The SFTP batch interface's records (docs/sftp.md): accounts' SFTP credentials, and the files taken
 * from their inboxes — found again by account, name and SHA-256, so a file is taken once and a file
 * interrupted by a crash is finished after the restart.
 */
import type { Kysely, Selectable } from 'kysely';
import type { IdAllocator } from './ids.js';
import type { Database, SftpFilesTable } from './schema.js';

export interface SftpCredentials {
  /** OpenSSH public key lines (`ssh-ed25519 AAAA… comment`). */
  publicKeys: string[];
  passwordHash: string | null;
}

export async function getSftpCredentials(db: Kysely<Database>, appId: number): Promise<SftpCredentials> {
  const row = await db
    .selectFrom('sftp_credentials')
    .selectAll()
    .where('app_id', '=', appId)
    .executeTakeFirst();
  return {
    publicKeys: row ? row.public_keys.split('\n').filter(Boolean) : [],
    passwordHash: row?.password_hash ?? null,
  };
}

/** Replaces what is given; `undefined` keeps the stored value. */
export async function setSftpCredentials(
  db: Kysely<Database>,
  appId: number,
  change: { publicKeys?: readonly string[]; passwordHash?: string | null },
  now: number,
): Promise<SftpCredentials> {
  const current = await getSftpCredentials(db, appId);
  const next: SftpCredentials = {
    publicKeys: change.publicKeys ? [...change.publicKeys] : current.publicKeys,
    passwordHash: change.passwordHash === undefined ? current.passwordHash : change.passwordHash,
  };
  const values = {
    public_keys: next.publicKeys.join('\n'),
    password_hash: next.passwordHash,
    updated_at: now,
  };
  await db
    .insertInto('sftp_credentials')
    .values({ app_id: appId, ...values })
    .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
    .execute();
  return next;
}

export type SftpFileStatus = SftpFilesTable['status'];

export interface SftpFile {
  id: number;
  appId: number;
  name: string;
  sha256: string;
  status: SftpFileStatus;
  rows: number;
  accepted: number;
  error: string | null;
  bytes: number;
  receivedAt: number;
  /** When the result file was written. */
  admittedAt: number | null;
  /** When the report file was written. */
  reportedAt: number | null;
  /** When the error file was written. */
  rejectedAt: number | null;
  /** The same file uploaded again: how often, and the last time. */
  repeats: number;
  repeatedAt: number | null;
}

type FileRow = Selectable<SftpFilesTable>;

const toFile = (r: FileRow): SftpFile => ({
  id: r.id,
  appId: r.app_id,
  name: r.name,
  sha256: r.sha256,
  status: r.status,
  rows: r.rows,
  accepted: r.accepted,
  error: r.error,
  bytes: r.bytes,
  receivedAt: r.received_at,
  admittedAt: r.admitted_at,
  reportedAt: r.reported_at,
  rejectedAt: r.rejected_at,
  repeats: r.repeats,
  repeatedAt: r.repeated_at,
});

/**
 * The file's record: `taken` true when this call made it (new), false when the same account, name
 * and content were taken before (a repeat, or a file a crash interrupted).
 */
export async function takeSftpFile(
  db: Kysely<Database>,
  ids: IdAllocator,
  file: { appId: number; name: string; sha256: string; bytes: number },
  now: number,
): Promise<{ file: SftpFile; taken: boolean }> {
  const find = (): Promise<FileRow | undefined> =>
    db
      .selectFrom('sftp_files')
      .selectAll()
      .where('app_id', '=', file.appId)
      .where('name', '=', file.name)
      .where('sha256', '=', file.sha256)
      .executeTakeFirst();
  const before = await find();
  if (before) return { file: toFile(before), taken: false };
  const id = await ids.nextId();
  const inserted = await db
    .insertInto('sftp_files')
    .values({
      id,
      app_id: file.appId,
      name: file.name,
      sha256: file.sha256,
      bytes: file.bytes,
      status: 'processing',
      error: null,
      received_at: now,
      admitted_at: null,
      reported_at: null,
    })
    .onConflict((oc) => oc.columns(['app_id', 'name', 'sha256']).doNothing())
    .executeTakeFirst();
  const row = await find();
  if (!row) throw new Error('sftp_files row vanished');
  return { file: toFile(row), taken: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 };
}

export async function rejectSftpFile(
  db: Kysely<Database>,
  id: number,
  reason: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('sftp_files')
    .set({ status: 'rejected', error: reason, rejected_at: now })
    .where('id', '=', id)
    .execute();
}

/** The same file came again and was answered with an error file, nothing sent. */
export async function noteSftpRepeat(db: Kysely<Database>, id: number, now: number): Promise<void> {
  await db
    .updateTable('sftp_files')
    .set((eb) => ({ repeats: eb('repeats', '+', 1), repeated_at: now }))
    .where('id', '=', id)
    .execute();
}

/** Every row answered: the messages made are listed for the report, in one transaction with the state. */
export async function admitSftpFile(
  db: Kysely<Database>,
  id: number,
  outcome: { rows: number; accepted: number; messages: readonly { messageId: number; line: number }[] },
  now: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sftp_file_messages').where('file_id', '=', id).execute();
    for (let i = 0; i < outcome.messages.length; i += 500) {
      const chunk = outcome.messages.slice(i, i + 500);
      await tx
        .insertInto('sftp_file_messages')
        .values(chunk.map((m) => ({ file_id: id, message_id: m.messageId, line: m.line })))
        .execute();
    }
    await tx
      .updateTable('sftp_files')
      .set({ status: 'admitted', rows: outcome.rows, accepted: outcome.accepted, admitted_at: now })
      .where('id', '=', id)
      .execute();
  });
}

export async function sftpFilesIn(db: Kysely<Database>, status: SftpFileStatus): Promise<SftpFile[]> {
  const rows = await db
    .selectFrom('sftp_files')
    .selectAll()
    .where('status', '=', status)
    .orderBy('id')
    .execute();
  return rows.map(toFile);
}

export async function recentSftpFiles(
  db: Kysely<Database>,
  appId: number,
  limit: number,
): Promise<SftpFile[]> {
  const rows = await db
    .selectFrom('sftp_files')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toFile);
}

/** How many of the file's messages are not final yet. */
export async function pendingSftpMessages(
  db: Kysely<Database>,
  fileId: number,
  finalStatuses: readonly string[],
): Promise<number> {
  const row = await db
    .selectFrom('sftp_file_messages as f')
    .innerJoin('messages as m', 'm.id', 'f.message_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('f.file_id', '=', fileId)
    .where('m.status', 'not in', finalStatuses)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface SftpReportRow {
  line: number;
  msgId: number;
  mobile: string;
  status: string;
  stat: string | null;
  doneAt: number | null;
}

export async function sftpReportRows(db: Kysely<Database>, fileId: number): Promise<SftpReportRow[]> {
  const rows = await db
    .selectFrom('sftp_file_messages as f')
    .innerJoin('messages as m', 'm.id', 'f.message_id')
    .select(['f.line', 'm.id', 'm.mobile', 'm.status', 'm.stat', 'm.done_at'])
    .where('f.file_id', '=', fileId)
    .orderBy('f.line')
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({
    line: r.line,
    msgId: r.id,
    mobile: r.mobile,
    status: r.status,
    stat: r.stat,
    doneAt: r.done_at,
  }));
}

export async function markSftpReported(db: Kysely<Database>, id: number, now: number): Promise<void> {
  await db
    .updateTable('sftp_files')
    .set({ status: 'reported', reported_at: now })
    .where('id', '=', id)
    .execute();
}

/** Accounts with SFTP credentials, and how far their replies have been written to their outbox. */
export async function sftpReplyCursors(db: Kysely<Database>): Promise<{ appId: number; cursor: number }[]> {
  const rows = await db.selectFrom('sftp_credentials').select(['app_id', 'reply_cursor']).execute();
  return rows.map((r) => ({ appId: r.app_id, cursor: r.reply_cursor }));
}

export async function setSftpReplyCursor(db: Kysely<Database>, appId: number, cursor: number): Promise<void> {
  await db
    .updateTable('sftp_credentials')
    .set({ reply_cursor: cursor })
    .where('app_id', '=', appId)
    .execute();
}
