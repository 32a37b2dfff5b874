/**
 * Maintained message counts for the dashboard and /metrics (docs/performance.md): per creation
 * hour, app, carrier, gateway and status, so neither ever counts the messages table. The statements
 * that change a message's status append signed deltas to `message_tally_deltas` in their own
 * transaction (an insert: no row is shared between writers); the sweeper folds them into
 * `message_tallies`. SENDING is counted as QUEUED: a claim and its release change no count, and the
 * few SENDING messages are counted through their partial index when read. Existing messages are
 * counted once here.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('message_tallies')
    .addColumn('hour', big, (c) => c.notNull())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_tallies_pk', ['hour', 'app_id', 'carrier', 'gateway_id', 'status'])
    .execute();
  // The pending counts read the few rows of pending statuses; the fold drops their rows at zero.
  await db.schema
    .createIndex('message_tallies_status')
    .on('message_tallies')
    .columns(['status', 'hour'])
    .execute();
  await db.schema
    .createTable('message_tally_deltas')
    .addColumn('hour', big, (c) => c.notNull())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', big, (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO message_tallies (hour, app_id, carrier, gateway_id, status, n)
    SELECT (created_at / 3600000) * 3600000, app_id, carrier, COALESCE(gateway_id, ''),
      CASE WHEN status = 'SENDING' THEN 'QUEUED' ELSE status END, count(*)
    FROM messages WHERE true GROUP BY 1, 2, 3, 4, 5`.execute(db);
}
