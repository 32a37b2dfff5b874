/**
 * Segments of long uplink messages waiting for the rest (reassembled with a timeout, in a
 * store that survives a restart).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('uplink_segments')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('carrier_msg_id', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('dest_id', 'text', (c) => c.notNull())
    .addColumn('ext', 'text', (c) => c.notNull())
    .addColumn('app_id', big)
    .addColumn('ref', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('part_no', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('received_at', big, (c) => c.notNull())
    .execute();
  // A segment the carrier sends again (its DELIVER_RESP was lost) is the same row.
  await db.schema
    .createIndex('uplink_segments_part')
    .on('uplink_segments')
    .columns(['mobile', 'dest_id', 'ref', 'total', 'part_no'])
    .unique()
    .execute();
  await db.schema.createIndex('uplink_segments_age').on('uplink_segments').column('received_at').execute();
}
