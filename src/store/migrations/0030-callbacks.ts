/**
 * Push callbacks (docs/callbacks.md): each account's callback secret, sealed with the data key
 * (the platform signs with it, so it cannot be a one-way hash), and one durable cursor per account
 * and feed — how far the receiver has taken the reports or replies, and the retry state of the
 * batch after it — so a restart resumes where the last 2xx left off. Batches given up after
 * `callbacks.retryHours` are kept for the console.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema.alterTable('apps').addColumn('callback_secret_enc', 'text').execute();
  await db.schema
    .createTable('callback_cursors')
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cursor', big, (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', big, (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', big)
    .addColumn('last_error', 'text')
    .addColumn('last_ok_at', big)
    .addColumn('delivered', big, (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', big)
    .addPrimaryKeyConstraint('callback_cursors_pk', ['app_id', 'kind'])
    .execute();
  await db.schema
    .createTable('callback_failures')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('app_id', big, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_seq', big, (c) => c.notNull())
    .addColumn('to_seq', big, (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text', (c) => c.notNull())
    .addColumn('failed_at', big, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('callback_failures_app')
    .on('callback_failures')
    .columns(['app_id', 'failed_at'])
    .execute();
}
