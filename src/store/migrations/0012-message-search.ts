/**
 * The console's dashboard and message search read messages by creation time (today, the
 * last 30 days, newest first), by phone, and a message's delivery report; without these indexes
 * each would scan every message ever sent.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema.createIndex('messages_created').on('messages').columns(['created_at', 'id']).execute();
  await db.schema
    .createIndex('messages_mobile_created')
    .on('messages')
    .columns(['mobile', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('delivery_reports_message')
    .on('delivery_reports')
    .column('message_id')
    .execute();
}
