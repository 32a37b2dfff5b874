/**
 * Replies in the SFTP outbox (docs/sftp.md): how far each account's replies have been written to its
 * `outbox/` (the replies feed's seq), kept with its SFTP logins.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .alterTable('sftp_credentials')
    .addColumn('reply_cursor', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
