/**
 * A failed callback batch sent again on the console's request (docs/callbacks.md "Console"): the
 * time the operator asked, cleared when the batch was tried. The interface access log gets an
 * index on its source address and path, which the auditor searches by.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema.alterTable('callback_failures').addColumn('retry_requested_at', big).execute();
  await db.schema
    .createIndex('interface_access_log_ip')
    .on('interface_access_log')
    .columns(['source_ip', 'at'])
    .execute();
}
