/**
 * The SFTP batch interface (docs/sftp.md): each account's SFTP credentials (OpenSSH public keys,
 * and/or a password hashed like the interface password), and each file taken from an inbox — by
 * account, name and SHA-256, so the same file again is not sent twice, and its state, so a restart
 * finishes what a crash interrupted. The messages of a file are listed once it is admitted, for
 * its report.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('sftp_credentials')
    .addColumn('app_id', big, (c) => c.primaryKey())
    .addColumn('public_keys', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('password_hash', 'text')
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sftp_files')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', big, (c) => c.notNull())
    // processing → admitted (result written) → reported; or rejected (error file written).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('received_at', big, (c) => c.notNull())
    .addColumn('admitted_at', big)
    .addColumn('reported_at', big)
    .addUniqueConstraint('sftp_files_once', ['app_id', 'name', 'sha256'])
    .execute();
  await db.schema.createIndex('sftp_files_status').on('sftp_files').columns(['status']).execute();
  await db.schema
    .createTable('sftp_file_messages')
    .addColumn('file_id', big, (c) => c.notNull())
    .addColumn('message_id', big, (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sftp_file_messages_pk', ['file_id', 'message_id'])
    .execute();
}
