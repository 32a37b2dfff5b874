/**
 * Surveys (§7.4): definitions, targets (the phones a survey went to and the question each is on)
 * and answers. Changes to a target are conditional on the state they were decided from, so two
 * processes answering the same phone at once cannot both advance it. The counts and pages the
 * results and the console read are in survey-results.ts.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SurveyTargetsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SurveyOptionRecord {
  code: string;
  label: string;
}

export interface SurveyRecord {
  id: number;
  name: string;
  intro: string;
  thanks: string;
  extCode: string;
  status: 'draft' | 'open' | 'closed';
  opensAt: number;
  closesAt: number;
  createdBy: string;
  createdAt: number;
  closedAt: number | null;
  questions: { text: string; options: SurveyOptionRecord[] }[];
}

export type TargetStatus = SurveyTargetsTable['status'];

export interface TargetRecord {
  id: number;
  surveyId: number;
  mobile: string;
  position: number;
  reprompted: boolean;
  status: TargetStatus;
  messageId: number | null;
  sentAt: number;
}

export interface AnswerRecord {
  surveyId: number;
  mobile: string;
  position: number;
  optionCode: string | null;
  rawText: string;
  uplinkId: number;
  answeredAt: number;
}

/** A target changed by someone else between reading and writing it; the uplink is handled again. */
export class SurveyConflictError extends Error {
  constructor(surveyId: number, mobile: string) {
    super(`survey ${surveyId}: target ${mobile.slice(0, 3)}…${mobile.slice(-4)} changed concurrently`);
    this.name = 'SurveyConflictError';
  }
}

export const toTarget = (r: Database['survey_targets']): TargetRecord => ({
  id: r.id,
  surveyId: r.survey_id,
  mobile: r.mobile,
  position: r.position,
  reprompted: r.reprompted === 1,
  status: r.status,
  messageId: r.message_id,
  sentAt: r.sent_at,
});

export async function insertSurvey(
  tx: Db,
  s: Omit<SurveyRecord, 'status' | 'createdAt' | 'closedAt'>,
  now: number,
): Promise<void> {
  await tx
    .insertInto('surveys')
    .values({
      id: s.id,
      name: s.name,
      intro: s.intro,
      thanks: s.thanks,
      ext_code: s.extCode,
      status: 'draft',
      opens_at: s.opensAt,
      closes_at: s.closesAt,
      created_by: s.createdBy,
      created_at: now,
      closed_at: null,
    })
    .execute();
  await tx
    .insertInto('survey_questions')
    .values(
      s.questions.map((q, position) => ({
        survey_id: s.id,
        position,
        text: q.text,
        options: JSON.stringify(q.options),
      })),
    )
    .execute();
}

async function withQuestions(db: Db, row: Database['surveys'] | undefined): Promise<SurveyRecord | null> {
  if (!row) return null;
  const questions = await db
    .selectFrom('survey_questions')
    .select(['text', 'options'])
    .where('survey_id', '=', row.id)
    .orderBy('position')
    .execute();
  return {
    id: row.id,
    name: row.name,
    intro: row.intro,
    thanks: row.thanks,
    extCode: row.ext_code,
    status: row.status,
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    questions: questions.map((q) => ({
      text: q.text,
      options: JSON.parse(q.options) as SurveyOptionRecord[],
    })),
  };
}

export async function findSurvey(db: Db, id: number): Promise<SurveyRecord | null> {
  return withQuestions(
    db,
    await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst(),
  );
}

export async function findSurveyByExt(db: Db, extCode: string): Promise<SurveyRecord | null> {
  return withQuestions(
    db,
    await db.selectFrom('surveys').selectAll().where('ext_code', '=', extCode).executeTakeFirst(),
  );
}

/** draft → open at the first send; a closed survey stays closed. */
export async function openSurvey(tx: Db, id: number): Promise<void> {
  await tx
    .updateTable('surveys')
    .set({ status: 'open' })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .execute();
}

/** Closes it now; false when it was closed already. */
export async function closeSurvey(tx: Db, id: number, now: number): Promise<boolean> {
  const r = await tx
    .updateTable('surveys')
    .set({ status: 'closed', closed_at: now })
    .where('id', '=', id)
    .where('status', '!=', 'closed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function targetOf(db: Db, surveyId: number, mobile: string): Promise<TargetRecord | null> {
  const row = await db
    .selectFrom('survey_targets')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .where('mobile', '=', mobile)
    .executeTakeFirst();
  return row ? toTarget(row) : null;
}

/**
 * The phone's survey waiting for an answer, the most recently sent first: a survey that is open
 * (sent, not closed, inside its window) where this phone has a question pending.
 */
export async function activeTargetOf(db: Db, mobile: string, now: number): Promise<TargetRecord | null> {
  const row = await db
    .selectFrom('survey_targets as t')
    .innerJoin('surveys as s', 's.id', 't.survey_id')
    .selectAll('t')
    .where('t.mobile', '=', mobile)
    .where('t.status', 'in', ['pending', 'answering'])
    .where('s.status', '=', 'open')
    .where('s.opens_at', '<=', now)
    .where('s.closes_at', '>', now)
    .orderBy('t.sent_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toTarget(row) : null;
}

/** Which of these phones the survey already went to. */
export async function targetedAmong(
  db: Db,
  surveyId: number,
  mobiles: readonly string[],
): Promise<Set<string>> {
  if (mobiles.length === 0) return new Set();
  const rows = await db
    .selectFrom('survey_targets')
    .select('mobile')
    .where('survey_id', '=', surveyId)
    .where('mobile', 'in', mobiles)
    .execute();
  return new Set(rows.map((r) => r.mobile));
}

export async function insertTargets(
  tx: Db,
  rows: readonly {
    id: number;
    surveyId: number;
    mobile: string;
    status: TargetStatus;
    messageId: number | null;
  }[],
  now: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await tx
      .insertInto('survey_targets')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          id: r.id,
          survey_id: r.surveyId,
          mobile: r.mobile,
          position: 0,
          reprompted: 0,
          status: r.status,
          message_id: r.messageId,
          sent_at: now,
          updated_at: now,
        })),
      )
      .execute();
}

/** Moves a target on from the state `from` was read in; throws SurveyConflictError when it changed meanwhile. */
export async function advanceTarget(
  tx: Db,
  from: TargetRecord,
  to: { position: number; reprompted: boolean; status: TargetStatus },
  now: number,
): Promise<void> {
  const r = await tx
    .updateTable('survey_targets')
    .set({ position: to.position, reprompted: to.reprompted ? 1 : 0, status: to.status, updated_at: now })
    .where('id', '=', from.id)
    .where('position', '=', from.position)
    .where('reprompted', '=', from.reprompted ? 1 : 0)
    .where('status', '=', from.status)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new SurveyConflictError(from.surveyId, from.mobile);
}

export async function insertAnswer(tx: Db, a: AnswerRecord): Promise<void> {
  await tx
    .insertInto('survey_answers')
    .values({
      survey_id: a.surveyId,
      mobile: a.mobile,
      position: a.position,
      option_code: a.optionCode,
      raw_text: a.rawText,
      valid: a.optionCode === null ? 0 : 1,
      uplink_id: a.uplinkId,
      answered_at: a.answeredAt,
    })
    .execute();
}
