/**
 * Backups taken (docs/deploy.md "Backups"): by `sms12333 backup` or by `serve` on `backup.schedule`.
 * The console shows the last one; the scheduler reads when the last one started.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('finished_at', big)
    .addColumn('bytes', big)
    .addColumn('rows', big)
    .addColumn('method', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('backups_started').on('backups').column('started_at').execute();
}
