/** The record of backups taken (migration 0021): the console's "last backup" and the schedule's memory. */
import type { Kysely } from 'kysely';
import type { BackupsTable, Database } from './schema.js';

export interface BackupRecord {
  id: string;
  trigger: BackupsTable['trigger'];
  status: BackupsTable['status'];
  file: string;
  startedAt: number;
  finishedAt: number | null;
  bytes: number | null;
  rows: number | null;
  method: string | null;
  error: string | null;
}

const toRecord = (r: BackupsTable): BackupRecord => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  file: r.file,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  bytes: r.bytes,
  rows: r.rows,
  method: r.method,
  error: r.error,
});

export async function recordBackupStart(
  db: Kysely<Database>,
  b: { id: string; trigger: BackupsTable['trigger']; file: string; startedAt: number },
): Promise<void> {
  await db
    .insertInto('backups')
    .values({ id: b.id, trigger: b.trigger, status: 'running', file: b.file, started_at: b.startedAt })
    .execute();
}

export async function recordBackupEnd(
  db: Kysely<Database>,
  id: string,
  end:
    | { status: 'ok'; finishedAt: number; bytes: number; rows: number; method: string }
    | { status: 'failed'; finishedAt: number; error: string },
): Promise<void> {
  await db
    .updateTable('backups')
    .set(
      end.status === 'ok'
        ? { status: 'ok', finished_at: end.finishedAt, bytes: end.bytes, rows: end.rows, method: end.method }
        : { status: 'failed', finished_at: end.finishedAt, error: end.error.slice(0, 500) },
    )
    .where('id', '=', id)
    .execute();
}

/** The latest backup of any outcome, and the latest that succeeded. */
export async function lastBackups(
  db: Kysely<Database>,
): Promise<{ latest: BackupRecord | null; lastOk: BackupRecord | null }> {
  const [latest, lastOk] = await Promise.all([
    db.selectFrom('backups').selectAll().orderBy('started_at', 'desc').limit(1).executeTakeFirst(),
    db
      .selectFrom('backups')
      .selectAll()
      .where('status', '=', 'ok')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { latest: latest ? toRecord(latest) : null, lastOk: lastOk ? toRecord(lastOk) : null };
}

/** When the schedule last started one (successful or not), so a restart does not take it twice. */
export async function lastScheduledStart(db: Kysely<Database>): Promise<number | null> {
  const row = await db
    .selectFrom('backups')
    .select('started_at')
    .where('trigger', '=', 'schedule')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.started_at ?? null;
}
