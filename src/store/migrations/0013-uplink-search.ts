/**
 * The console's uplink inbox reads newest first, by phone or by time; without these it
 * would scan every uplink ever received. Citizen commands are joined to their uplink.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createIndex('uplink_messages_received')
    .on('uplink_messages')
    .columns(['received_at', 'id'])
    .execute();
  await db.schema
    .createIndex('uplink_messages_mobile_received')
    .on('uplink_messages')
    .columns(['mobile', 'received_at', 'id'])
    .execute();
  await db.schema.createIndex('citizen_requests_uplink').on('citizen_requests').column('uplink_id').execute();
}
