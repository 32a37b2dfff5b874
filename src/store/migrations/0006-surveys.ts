/**
 * Surveys and return visits (§7.4, docs/design.md §5 Surveys): a survey with its questions and options,
 * the phones it was sent to and where each stands (which question, re-prompted or not), and the
 * answers. A survey answers from its own extension code (`citizen.surveyExtPrefix` + its number).
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const big = dialect === 'sqlite' ? 'integer' : 'bigint';

  await db.schema
    .createTable('surveys')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull())
    .addColumn('thanks', 'text', (c) => c.notNull())
    .addColumn('ext_code', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opens_at', big, (c) => c.notNull())
    .addColumn('closes_at', big, (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('closed_at', big)
    .execute();

  await db.schema
    .createTable('survey_questions')
    .addColumn('survey_id', big, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_questions_pk', ['survey_id', 'position'])
    .execute();

  await db.schema
    .createTable('survey_targets')
    .addColumn('id', big, (c) => c.primaryKey())
    .addColumn('survey_id', big, (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('reprompted', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message_id', big)
    .addColumn('sent_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('survey_targets_survey_mobile', ['survey_id', 'mobile'])
    .execute();
  // A reply to 12333 itself finds the phone's open survey by number.
  await db.schema
    .createIndex('survey_targets_mobile')
    .on('survey_targets')
    .columns(['mobile', 'status'])
    .execute();

  await db.schema
    .createTable('survey_answers')
    .addColumn('survey_id', big, (c) => c.notNull())
    .addColumn('mobile', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('option_code', 'text')
    .addColumn('raw_text', 'text', (c) => c.notNull())
    .addColumn('valid', 'integer', (c) => c.notNull())
    .addColumn('uplink_id', big, (c) => c.notNull())
    .addColumn('answered_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_answers_pk', ['survey_id', 'mobile', 'position'])
    .execute();
}
