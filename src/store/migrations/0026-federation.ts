/**
 * Federation (docs/federation.md): a message's home province from the segment data, which the claim
 * routes by; the province an account belongs to on the ministry platform; and the cursors a
 * province's ministry link follows the ministry's reports and replies by.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .alterTable('messages')
    .addColumn('home_province', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('apps').addColumn('province', 'text').execute();
  await db.schema
    .createTable('federation_cursors')
    .addColumn('gateway_id', 'text', (c) => c.notNull())
    .addColumn('feed', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_cursors_pk', ['gateway_id', 'feed'])
    .execute();
}
