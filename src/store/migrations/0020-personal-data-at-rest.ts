/**
 * No whole SSN, name or service password at rest (docs/data-protection.md). From this version on
 * uplinks are stored masked with their originals sealed (store/uplinks.ts); this migration masks
 * what earlier versions kept in clear: command texts in `uplink_messages` and `citizen_requests`
 * (SSNs and names; passwords were masked already), survey answers, SSN-shaped runs in business
 * systems' uplinks and in segments waiting for the rest of their message. A migration has no data
 * key, so what it masks cannot be sealed: those texts stay masked for good.
 *
 * On SQLite the old cell contents are overwritten (secure_delete) and connect.ts checkpoints and
 * truncates the WAL afterwards, so the clear texts leave the file and its WAL too.
 */
import { sql, type Kysely } from 'kysely';
import { maskDigitRuns, maskStoredCommandText } from '../../domain/commands/index.js';
import type { MigrationDialect } from './index.js';

const PAGE = 1000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
type AnyDb = Kysely<any>;

/** Rewrites `column` of every row whose masked form differs, page by page in `key` order. */
async function maskColumn(
  db: AnyDb,
  table: string,
  key: string,
  column: string,
  mask: (row: Record<string, unknown>) => string,
  extra: readonly string[] = [],
): Promise<void> {
  let after: unknown = null;
  for (;;) {
    let query = db
      .selectFrom(table)
      .select([key, column, ...extra])
      .orderBy(key)
      .limit(PAGE);
    if (after !== null) query = query.where(key, '>', after);
    const rows = (await query.execute()) as Record<string, unknown>[];
    for (const row of rows) {
      const masked = mask(row);
      if (masked !== row[column])
        await db
          .updateTable(table)
          .set({ [column]: masked })
          .where(key, '=', row[key])
          .execute();
    }
    if (rows.length < PAGE) return;
    after = rows.at(-1)?.[key] ?? null;
  }
}

const text = (row: Record<string, unknown>, column: string): string => {
  const value = row[column];
  return typeof value === 'string' ? value : '';
};

export async function up(db: AnyDb, dialect: MigrationDialect): Promise<void> {
  if (dialect === 'sqlite') await sql`PRAGMA secure_delete = ON`.execute(db);
  await db.schema.alterTable('uplink_messages').addColumn('text_enc', 'text').execute();
  await db.schema.alterTable('uplink_segments').addColumn('text_enc', 'text').execute();

  await maskColumn(
    db,
    'uplink_messages',
    'id',
    'text',
    (row) =>
      row.app_id === null ? maskStoredCommandText(text(row, 'text')) : maskDigitRuns(text(row, 'text')),
    ['app_id'],
  );
  await maskColumn(db, 'uplink_segments', 'id', 'text', (row) => maskDigitRuns(text(row, 'text')));
  await maskColumn(db, 'citizen_requests', 'id', 'text_masked', (row) =>
    maskStoredCommandText(text(row, 'text_masked')),
  );
  await maskColumn(db, 'survey_answers', 'uplink_id', 'raw_text', (row) =>
    maskStoredCommandText(text(row, 'raw_text')),
  );
}
