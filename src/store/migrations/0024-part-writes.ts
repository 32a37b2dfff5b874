/**
 * The duplicate measure (docs/multinode.md): parts written to a carrier whose outcome is uncertain
 * (no answer, or written by a process that had lost the lease), and how often a part was written
 * again after such a write, with the reason. A part accepted and stored the first time has no row.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('part_writes')
    .addColumn('message_id', big, (c) => c.notNull())
    .addColumn('part_no', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('uncertain', 'text')
    .addColumn('copies', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('copy_reason', 'text')
    .addColumn('updated_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('part_writes_pk', ['message_id', 'part_no', 'total'])
    .execute();
}
