/**
 * Wrong interface passwords, counted per account and source address (docs/security.md §2): the
 * count is taken before the password is checked, in one statement, so concurrent guesses cannot
 * pass the limit, and a lock survives a restart and can be listed and lifted.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('interface_locks')
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('window_start', big, (c) => c.notNull())
    .addColumn('locked_until', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('interface_locks_pk', ['app_id', 'source'])
    .execute();
  await db.schema.createIndex('interface_locks_until').on('interface_locks').column('locked_until').execute();
}
