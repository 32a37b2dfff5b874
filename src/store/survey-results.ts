/**
 * What surveys' results read (§7.4): targets and answers counted, delivery of the first questions,
 * targets page by page for the export, and the console's list. Definitions, targets and answers are
 * written by surveys.ts.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import {
  toTarget,
  type AnswerRecord,
  type SurveyRecord,
  type TargetRecord,
  type TargetStatus,
} from './surveys.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Targets by status, and how many ended on an invalid answer. */
export async function targetCounts(
  db: Db,
  surveyId: number,
): Promise<{ byStatus: Map<TargetStatus, number>; endedInvalid: number }> {
  const rows = await db
    .selectFrom('survey_targets')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('survey_id', '=', surveyId)
    .groupBy('status')
    .execute();
  const invalid = await db
    .selectFrom('survey_answers')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('survey_id', '=', surveyId)
    .where('valid', '=', 0)
    .executeTakeFirst();
  return {
    byStatus: new Map(rows.map((r) => [r.status, Number(r.n)])),
    endedInvalid: Number(invalid?.n ?? 0),
  };
}

/** Answers per question and option code (null: invalid). */
export async function answerCounts(
  db: Db,
  surveyId: number,
): Promise<{ position: number; optionCode: string | null; n: number }[]> {
  const rows = await db
    .selectFrom('survey_answers')
    .select(['position', 'option_code', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('survey_id', '=', surveyId)
    .groupBy(['position', 'option_code'])
    .execute();
  return rows.map((r) => ({ position: r.position, optionCode: r.option_code, n: Number(r.n) }));
}

/** Where the first questions' messages are: QUEUED, DELIVERED, FAILED… */
export async function deliveryCounts(db: Db, surveyId: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('survey_targets as t')
    .innerJoin('messages as m', 'm.id', 't.message_id')
    .select(['m.status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('t.survey_id', '=', surveyId)
    .groupBy('m.status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** A page of targets by id, with their answers, for the export. */
export async function targetsPage(
  db: Db,
  surveyId: number,
  afterId: number,
  limit: number,
): Promise<{ targets: TargetRecord[]; answers: AnswerRecord[] }> {
  const rows = await db
    .selectFrom('survey_targets')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  const targets = rows.map(toTarget);
  if (targets.length === 0) return { targets, answers: [] };
  const answers = await db
    .selectFrom('survey_answers')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .where(
      'mobile',
      'in',
      targets.map((t) => t.mobile),
    )
    .execute();
  return {
    targets,
    answers: answers.map((a) => ({
      surveyId: a.survey_id,
      mobile: a.mobile,
      position: a.position,
      optionCode: a.option_code,
      rawText: a.raw_text,
      uplinkId: a.uplink_id,
      answeredAt: a.answered_at,
    })),
  };
}

export interface SurveySummary {
  survey: Omit<SurveyRecord, 'questions'> & { questionCount: number };
  /** Targets by status (blocked, pending, answering, done). */
  targets: Partial<Record<TargetStatus, number>>;
}

/** Every survey, newest first, with its targets counted by status (the console's list). */
export async function listSurveys(db: Db, limit = 500): Promise<SurveySummary[]> {
  const rows = await db.selectFrom('surveys').selectAll().orderBy('id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const counts = await db
    .selectFrom('survey_targets')
    .select(['survey_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('survey_id', 'in', ids)
    .groupBy(['survey_id', 'status'])
    .execute();
  const questions = await db
    .selectFrom('survey_questions')
    .select(['survey_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('survey_id', 'in', ids)
    .groupBy('survey_id')
    .execute();
  return rows.map((r) => {
    const targets: Partial<Record<TargetStatus, number>> = {};
    for (const c of counts) if (c.survey_id === r.id) targets[c.status] = Number(c.n);
    return {
      survey: {
        id: r.id,
        name: r.name,
        intro: r.intro,
        thanks: r.thanks,
        extCode: r.ext_code,
        status: r.status,
        opensAt: r.opens_at,
        closesAt: r.closes_at,
        createdBy: r.created_by,
        createdAt: r.created_at,
        closedAt: r.closed_at,
        questionCount: Number(questions.find((q) => q.survey_id === r.id)?.n ?? 0),
      },
      targets,
    };
  });
}
