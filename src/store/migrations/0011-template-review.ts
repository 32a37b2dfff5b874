/**
 * Template review in the console: who wrote a template, who approved or rejected it, when,
 * and the reviewer's note. Existing templates keep their status; their author is unknown (null).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema.alterTable('templates').addColumn('created_by', 'text').execute();
  await db.schema.alterTable('templates').addColumn('reviewed_by', 'text').execute();
  await db.schema.alterTable('templates').addColumn('reviewed_at', big).execute();
  await db.schema.alterTable('templates').addColumn('review_note', 'text').execute();
  await db.schema.createIndex('templates_app_status').on('templates').columns(['app_id', 'status']).execute();
}
