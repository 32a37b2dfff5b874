/**
 * Retention (docs/data-protection.md "Retention") finds old rows by these in small batches rather
 * than scanning: citizens' requests by age (messages by `created_at` and uplinks by `received_at`
 * are indexed already, migrations 0012 and 0013).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createIndex('citizen_requests_created')
    .on('citizen_requests')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('otp_codes_created').on('otp_codes').column('created_at').execute();
}
