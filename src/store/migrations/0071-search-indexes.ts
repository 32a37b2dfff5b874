/**
 * Message search with a filter that rarely matches (docs/performance.md): a failed status or one
 * carrier, newest first. Without these the search walks the creation-time index over every message
 * until it has a page. The statuses are partial indexes (a message enters one only when it ends
 * that way); the search names the status as a literal, which is what lets SQLite use them.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

/** Final statuses the search reads through a partial index of their own. */
export const SEARCH_INDEXED_STATUSES = ['FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN', 'BLOCKED'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  for (const status of SEARCH_INDEXED_STATUSES)
    await sql`CREATE INDEX ${sql.id(`messages_${status.toLowerCase()}_created`)}
      ON messages (created_at, id) WHERE status = ${sql.lit(status)}`.execute(db);
  await db.schema
    .createIndex('messages_carrier_created')
    .on('messages')
    .columns(['carrier', 'created_at', 'id'])
    .execute();
}
