/**
 * Held messages and the sensitive-word filter (docs/design.md §5.7; the standard's §8.2 b). A review holds the
 * messages of its batches (status HELD) until a reviewer approves (→ QUEUED) or rejects them
 * (→ REJECTED), or `sending.reviewHoldHours` pass (→ EXPIRED). `batches.review_id` ties a batch to
 * its review. Sensitive words carry what admission does when a text contains one: block or review.
 */
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('reviews')
    .addColumn('id', big, (c) => c.primaryKey())
    /** batch-size | sensitive-words */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** pending | approved | rejected | expired */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('app_id', big, (c) => c.notNull())
    /** The console user who sent the batch; null when a business system did. */
    .addColumn('requested_by', 'text')
    /** JSON object: sample text, words hit, what the sender said about the batch. */
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', big)
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('reviews_status_created')
    .on('reviews')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema.alterTable('batches').addColumn('review_id', big).execute();
  await sql`CREATE INDEX batches_review ON batches (review_id) WHERE review_id IS NOT NULL`.execute(db);

  await db.schema
    .createTable('sensitive_words')
    .addColumn('id', big, (c) => c.primaryKey())
    /** As the operator typed it. */
    .addColumn('word', 'text', (c) => c.notNull())
    /** Normalised (domain/sensitive-words.ts): one row per normalised word. */
    .addColumn('normalized', 'text', (c) => c.notNull().unique())
    /** block | review */
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
}
