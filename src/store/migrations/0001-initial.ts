/**
 * The backbone: accounts, the outbox (batches, messages, parts), delivery reports, uplinks.
 * Integer columns holding ids and epoch-ms times are `integer` on SQLite (64-bit there) and
 * `bigint` on PostgreSQL.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// Migrations describe tables that no longer match today's types, so they take an untyped Kysely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('sequences')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_value', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('heartbeat_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('ip_whitelist', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('balance', big, (c) => c.notNull().defaultTo(0))
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('ext_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('report_url', 'text')
    .addColumn('reply_url', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('templates')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', big)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('batches')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('client_msg_id', 'text')
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('src_ext', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('islong', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('send_at', big)
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('batches_client_msg_id')
    .on('batches')
    .columns(['app_id', 'client_msg_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('batch_id', big, (c) => c.notNull())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('charged', 'integer', (c) => c.notNull())
    .addColumn('not_before', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resubmits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', big)
    .addColumn('gateway_id', 'text')
    .addColumn('submitted_at', big)
    .addColumn('deadline_at', big)
    .addColumn('done_at', big)
    .addColumn('stat', 'text')
    .addColumn('error', 'text')
    .addColumn('refunded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The dispatcher's claim and the sweeper's scans each read one of these; partial indexes keep
  // them small because only pending messages are ever looked up by status.
  await sql`CREATE INDEX messages_queued ON messages (not_before, id, carrier) WHERE status = 'QUEUED'`.execute(
    db,
  );
  await sql`CREATE INDEX messages_sending ON messages (lease_until) WHERE status = 'SENDING'`.execute(db);
  await sql`CREATE INDEX messages_submitted ON messages (deadline_at) WHERE status = 'SUBMITTED'`.execute(db);
  await db.schema.createIndex('messages_batch').on('messages').column('batch_id').execute();
  await db.schema.createIndex('messages_app_mobile').on('messages').columns(['app_id', 'mobile']).execute();

  await db.schema
    .createTable('message_parts')
    .addColumn('message_id', big, (c) => c.notNull())
    .addColumn('part_no', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('carrier_msg_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stat', 'text')
    .addColumn('submitted_at', big, (c) => c.notNull())
    .addColumn('done_at', big)
    .addPrimaryKeyConstraint('message_parts_pk', ['message_id', 'part_no'])
    .execute();
  await db.schema
    .createIndex('message_parts_carrier_id')
    .on('message_parts')
    .columns(['gateway_id', 'carrier_msg_id'])
    .execute();

  await db.schema
    .createTable('delivery_reports')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('seq', big)
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('message_id', big, (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stat', 'text')
    .addColumn('done_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('delivery_reports_feed')
    .on('delivery_reports')
    .columns(['app_id', 'seq'])
    .execute();
  await sql`CREATE INDEX delivery_reports_unsequenced ON delivery_reports (id) WHERE seq IS NULL`.execute(db);

  await db.schema
    .createTable('orphan_reports')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('carrier_msg_id', 'text', (c) => c.notNull())
    .addColumn('stat', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('done_at', big, (c) => c.notNull())
    .addColumn('received_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orphan_reports_carrier_id')
    .on('orphan_reports')
    .columns(['gateway_id', 'carrier_msg_id'])
    .execute();

  await db.schema
    .createTable('uplink_messages')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('seq', big)
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('carrier_msg_id', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('dest_id', 'text', (c) => c.notNull())
    .addColumn('ext', 'text', (c) => c.notNull())
    .addColumn('app_id', big)
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('concat_ref', 'integer')
    .addColumn('concat_total', 'integer')
    .addColumn('concat_part', 'integer')
    .addColumn('received_at', big, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('uplink_messages_feed')
    .on('uplink_messages')
    .columns(['app_id', 'seq'])
    .execute();
  await sql`CREATE INDEX uplink_messages_unsequenced ON uplink_messages (id) WHERE seq IS NULL`.execute(db);

  await db.schema
    .createTable('mobile_blocks')
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('mobile_blocks_pk', ['mobile', 'kind'])
    .execute();
}
