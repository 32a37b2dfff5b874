/**
 * Restoring a backup (docs/deploy.md "Restore drill") into an empty database only. The file is read
 * twice: once to check everything — the age header (the right identity), every chunk (nothing cut
 * or altered), every table's rows and checksum, the manifest at the end — before anything is
 * written; then again to insert, in one transaction that reads each table back and compares it
 * with the manifest before it commits. A bad file or a non-empty target therefore writes nothing.
 */
import { createReadStream, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Decrypter } from 'age-encryption';
import { AppError } from '../shared/errors.js';
import {
  isSavedTable,
  lines,
  readBackup,
  TableChecksum,
  type BackupHeader,
  type BackupManifest,
  type RowValue,
} from './backup-format.js';
import { migrate, openDatabase, type DatabaseHandle } from './connect.js';
import { rebuildTallies } from './message-tallies.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

const AGE_MAGIC = 'age-encryption.org/v1\n';

/** The decrypted lines of a backup file; errors are ERR_BACKUP_WRONG_KEY or ERR_BACKUP_CORRUPT. */
export async function backupLines(
  file: string,
  identities: readonly string[],
): Promise<AsyncIterable<string>> {
  let magic: string;
  try {
    const handle = await open(file, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(AGE_MAGIC.length), 0, AGE_MAGIC.length, 0);
    await handle.close();
    magic = buffer.subarray(0, bytesRead).toString('latin1');
  } catch (err) {
    throw new AppError('ERR_BACKUP_CORRUPT', `${file}: ${(err as Error).message}`, { cause: err });
  }
  if (magic !== AGE_MAGIC) throw new AppError('ERR_BACKUP_CORRUPT', `${file}: not an age-encrypted file`);
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  let plain: ReadableStream<Uint8Array>;
  try {
    plain = await decrypter.decrypt(
      Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>,
    );
  } catch (err) {
    throw new AppError('ERR_BACKUP_WRONG_KEY', file, { cause: err });
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* plain as unknown as AsyncIterable<Uint8Array>;
    } catch (err) {
      throw new AppError('ERR_BACKUP_CORRUPT', `${file}: cut short or altered`, { cause: err });
    }
  }
  return lines(chunks());
}

/** Pass one: the whole file checked, nothing written. */
export async function verifyBackupFile(
  file: string,
  identities: readonly string[],
): Promise<{ header: BackupHeader; manifest: BackupManifest }> {
  const checked = await readBackup(await backupLines(file, identities));
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = checked.header.schema.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new AppError('ERR_BACKUP_VERSION', `migrations ${unknown.join(', ')}`);
  return checked;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Rows the migrations themselves put in an empty database: those do not make it non-empty. */
const SEEDED: Record<string, string> = {
  apps: 'id <> 0',
  audit_head: 'last_seq <> 0',
};

async function savedTables(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(db)
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
  return rows.rows.map((r) => r.name).filter(isSavedTable);
}

/** Throws ERR_RESTORE_NOT_EMPTY naming a table that holds rows; a SQLite file that does not exist is empty. */
export async function assertEmptyTarget(url: string): Promise<void> {
  if (url.startsWith('sqlite:') && !existsSync(url.slice('sqlite:'.length))) return;
  const handle = await openDatabase(url, { migrate: false });
  try {
    for (const table of await savedTables(handle.db, handle.caps.dialect)) {
      const where = SEEDED[table] ?? '1 = 1';
      const found = await sql<{
        n: number | string;
      }>`SELECT COUNT(*) AS n FROM ${sql.raw(quote(table))} WHERE ${sql.raw(where)}`.execute(handle.db);
      const n = Number(found.rows[0]?.n ?? 0);
      if (n > 0) throw new AppError('ERR_RESTORE_NOT_EMPTY', `${table}: ${n} rows`);
    }
  } finally {
    await handle.close();
  }
}

async function insertRows(
  tx: Transaction<Database>,
  maxParameters: number,
  table: string,
  columns: readonly string[],
  rows: readonly RowValue[][],
): Promise<void> {
  const per = Math.max(1, Math.min(500, Math.floor(maxParameters / Math.max(1, columns.length))));
  for (let i = 0; i < rows.length; i += per) {
    const values = rows
      .slice(i, i + per)
      .map((row) => Object.fromEntries(columns.map((c, k) => [c, row[k] ?? null])));
    // Table names come from the backup, checked against the target's own list before this.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any table
    await (tx as Transaction<any>).insertInto(table).values(values).execute();
  }
}

/** The table as stored now, summed the way the backup summed it. */
async function readBack(
  tx: Transaction<Database>,
  table: string,
  columns: readonly string[],
): Promise<{ rows: number; checksum: string }> {
  const sum = new TableChecksum(columns);
  const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.raw(quote(table))}`.execute(tx);
  for (const row of result.rows)
    sum.add(columns.map((c) => (row[c] === undefined || row[c] === null ? null : (row[c] as RowValue))));
  return { rows: sum.rows, checksum: sum.checksum };
}

export interface RestoreSummary {
  tables: number;
  rows: number;
}

/**
 * Pass two, into `handle` (checked empty, its schema brought to the backup's version here): every
 * table of the backup inserted and read back in one transaction, then the schema brought up to date
 * and work that was in flight handed back to the queue (leases and claims from the old processes).
 */
export async function restoreInto(
  handle: DatabaseHandle,
  source: AsyncIterable<string>,
  expected: { header: BackupHeader; manifest: BackupManifest },
): Promise<RestoreSummary> {
  const last = expected.header.schema.at(-1);
  if (last !== undefined) await migrate(handle, last);
  const present = new Set(await savedTables(handle.db, handle.caps.dialect));
  const columnsOf = new Map<string, string[]>();
  await handle.db.transaction().execute(async (tx) => {
    await readBackup(source, {
      onHeader: (header) => {
        if (header.dataKey !== expected.header.dataKey || header.createdAt !== expected.header.createdAt)
          throw new AppError('ERR_BACKUP_CORRUPT', 'the file changed between the check and the restore');
      },
      onTable: async (table, columns) => {
        if (!present.has(table)) throw new AppError('ERR_RESTORE_VERIFY', `no table ${table} in the target`);
        columnsOf.set(table, columns);
        // Only rows the migrations seeded can be here (assertEmptyTarget): the backup's replace them.
        await sql`DELETE FROM ${sql.raw(quote(table))}`.execute(tx);
      },
      onRows: (table, columns, rows) => insertRows(tx, handle.caps.maxParameters, table, columns, rows),
    });
    for (const [table, columns] of columnsOf) {
      const back = await readBack(tx, table, columns);
      const want = expected.manifest.tables[table];
      if (back.rows !== want?.rows || back.checksum !== want.checksum)
        throw new AppError(
          'ERR_RESTORE_VERIFY',
          `${table}: ${back.rows} rows read back, ${want?.rows ?? 0} in the manifest, or their checksum differs`,
        );
    }
  });
  await migrate(handle);
  // The counts are derived data: whatever the backup held of them, they are counted afresh.
  await rebuildTallies(handle.db, handle.caps);
  // The processes that held these are gone: the sweeper and the command service take them again at once.
  await handle.db.updateTable('messages').set({ lease_until: 0 }).where('status', '=', 'SENDING').execute();
  await handle.db
    .updateTable('uplink_messages')
    .set({ claimed_until: null })
    .where('handled_at', 'is', null)
    .execute();
  return { tables: columnsOf.size, rows: expected.manifest.rows };
}
