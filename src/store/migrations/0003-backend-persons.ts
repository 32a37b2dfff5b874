/**
 * The embedded business backend's people (docs/design.md §4.1 `backend import`): what the query
 * commands answer (§6.3.2 CBXX, YLZHYE) and the service password BD and MMCZ check. The SSN and
 * the name are stored encrypted and the row is found by the SSN's keyed hash (docs/design.md §5).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('backend_persons')
    .addColumn('ssn_hash', 'text', (c) => c.primaryKey())
    .addColumn('ssn_enc', 'text', (c) => c.notNull())
    .addColumn('name_enc', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('insurances', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('pension_balance_cents', big)
    .addColumn('pension_as_of', 'text')
    .addColumn('extra_enc', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
}
