/**
 * A message's validity as an instant (docs/design.md §5 Sending windows; docs/protocols.md §9):
 * `valid_until` is fixed at admission — the send time (after a schedule or quiet hours) plus the
 * validity, or a verification code's expiry — so a retry, which moves `not_before`, does not restart
 * it, and the carrier is told the same instant in the submit's validity field. Rows written before
 * this migration have none and count from `not_before` as they did.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema.alterTable('messages').addColumn('valid_until', big).execute();
  // The validity sweep finds queued messages past it without scanning the queue.
  await sql`CREATE INDEX messages_queued_validity ON messages (valid_until) WHERE status = 'QUEUED'`.execute(
    db,
  );
}
