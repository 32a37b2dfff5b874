/**
 * Who "oneself" is on a phone that holds several people (docs/design.md §5 Commands): the first
 * person bound is the phone's owner, the others delegations, until the citizen names another owner
 * by binding that person again (`owner_at`, the time it was named; the latest wins).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  await db.schema
    .alterTable('citizen_bindings')
    .addColumn('owner_at', dialect === 'sqlite' ? 'integer' : 'bigint')
    .execute();
}
