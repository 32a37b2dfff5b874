/**
 * The tamper-evident audit log (standard §8.1 c): access, operation and
 * data-operation entries, each chained to the one before by a keyed hash (src/audit/log.ts).
 *
 * `audit_head` is one row (id 1) that every append and every prune locks and updates in the same
 * transaction as the rows: it serialises writers, so the chain never forks, and it anchors both ends
 * of the chain — the last entry (so a deleted tail is seen) and the last pruned entry (so the chain
 * still verifies after retention removes old rows). Its `mac` is keyed too, so it cannot simply be
 * rewritten to match a truncated table. The row starts empty: the migration has no key.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', big, (c) => c.primaryKey())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_log_kind', sql`kind IN ('access', 'operation', 'data')`)
    .addCheckConstraint('audit_log_result', sql`result IN ('ok', 'denied', 'failed')`)
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', big, (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('pruned_seq', big, (c) => c.notNull())
    .addColumn('pruned_hash', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_head')
    .values({ id: 1, last_seq: 0, last_hash: '', pruned_seq: 0, pruned_hash: '', mac: '' })
    .execute();
}
