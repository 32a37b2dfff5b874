/**
 * Changes an operator proposes to the filter rules and lists (docs/security.md §7): sensitive words
 * and the black and white lists are the security administrator's, who approves or rejects each
 * proposal; nothing proposed takes effect before that.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .createTable('list_proposals')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull())
    .addColumn('proposed_at', big, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', big)
    .addColumn('decision_note', 'text')
    .execute();
  await db.schema
    .createIndex('list_proposals_status')
    .on('list_proposals')
    .columns(['status', 'proposed_at'])
    .execute();
}
