/**
 * SFTP passwords locked like the interface's, and the SFTP activity the console shows
 * (docs/sftp.md): `interface_locks` counts attempts per account, channel (`interface` or `sftp`) and
 * source address, so wrong SFTP passwords lock SFTP password logins from that address without
 * touching the business system's interface calls, and both are listed and lifted together. A file's
 * record keeps when its error file was written, and how often the same file came again (each answered
 * with an error file, nothing sent).
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  // The primary key gains a column: SQLite cannot alter one, so the table is made again.
  await db.schema
    .createTable('interface_locks_0095')
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo('interface'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('window_start', big, (c) => c.notNull())
    .addColumn('locked_until', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('interface_locks_channel_pk', ['app_id', 'channel', 'source'])
    .execute();
  await sql`insert into interface_locks_0095 (app_id, channel, source, attempts, window_start, locked_until)
    select app_id, 'interface', source, attempts, window_start, locked_until from interface_locks`.execute(
    db,
  );
  await db.schema.dropTable('interface_locks').execute();
  await db.schema.alterTable('interface_locks_0095').renameTo('interface_locks').execute();
  await db.schema.createIndex('interface_locks_until').on('interface_locks').column('locked_until').execute();

  await db.schema.alterTable('sftp_files').addColumn('rejected_at', big).execute();
  await db.schema
    .alterTable('sftp_files')
    .addColumn('repeats', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sftp_files').addColumn('repeated_at', big).execute();
}
