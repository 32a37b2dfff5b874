/**
 * Frequency limits per number (docs/design.md §5 Sending windows): admission reads a number's recent and
 * upcoming messages by send time. BLOCKED messages were never sent and never count, so they stay
 * out of the index — a business system repeating one notice thousands of times cannot make the
 * next admission scan them all.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await sql`CREATE INDEX messages_mobile_send ON messages (mobile, not_before) WHERE status <> 'BLOCKED'`.execute(
    db,
  );
}
