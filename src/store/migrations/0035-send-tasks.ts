/**
 * A console send is one task (docs/console.md "Send"): its number, file name and recipients; its
 * batches are those admitted under its key (store/console-send.ts), however many texts it made.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('send_tasks')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('send_key', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('send_tasks_key')
    .unique()
    .on('send_tasks')
    .columns(['app_id', 'send_key'])
    .execute();
}
