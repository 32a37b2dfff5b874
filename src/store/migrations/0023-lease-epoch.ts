/**
 * Lease tokens (docs/multinode.md): every claim of a message takes the next epoch, and every write
 * that depends on holding the lease (the submit record, its parts, a release, a retry) names the
 * owner and epoch it was claimed under. A writer whose lease was reclaimed and claimed again —
 * even by itself — no longer matches and changes nothing.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .alterTable('messages')
    .addColumn('lease_epoch', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
