/**
 * What a survey has gathered (§7.4): live counts per question and option, and the CSV export an
 * operator opens in Excel — UTF-8 with a byte-order mark, one row per phone × question, so a pivot
 * table answers "how many chose what" and a filter finds who has not answered. Phones are masked
 * unless the caller asks otherwise; the 序号 column keeps one phone's rows together when two masked
 * numbers read the same. Cells a spreadsheet would run as a formula are quoted with a leading `'`.
 */
import { formatBeijing } from '../domain/beijing-time.js';
import { maskMobile } from '../shared/log.js';
import type { DatabaseHandle } from '../store/connect.js';
import { answerCounts, deliveryCounts, targetCounts, targetsPage } from '../store/survey-results.js';
import { findSurvey, type SurveyRecord, type TargetRecord } from '../store/surveys.js';
import { surveyPhase, type SurveyPhase } from './survey-rules.js';

export interface QuestionResult {
  /** 1-based, as the citizen saw it. */
  number: number;
  text: string;
  options: { code: string; label: string; count: number }[];
  /** Answers that ended the survey for a phone (two unreadable replies). */
  invalid: number;
  answered: number;
}

export interface SurveyResults {
  id: number;
  name: string;
  extCode: string;
  phase: SurveyPhase;
  opensAt: number;
  closesAt: number;
  targets: {
    total: number;
    /** Not sent: TD, QXFW, blacklisted, or no route. */
    blocked: number;
    pending: number;
    answering: number;
    /** Answered every question. */
    completed: number;
    endedInvalid: number;
  };
  /** Status of the first questions' messages (QUEUED, DELIVERED, FAILED, BLOCKED…). */
  delivery: Record<string, number>;
  questions: QuestionResult[];
}

export async function surveyResults(
  handle: DatabaseHandle,
  surveyId: number,
  now: number,
): Promise<SurveyResults | null> {
  const survey = await findSurvey(handle.db, surveyId);
  if (!survey) return null;
  const { byStatus, endedInvalid } = await targetCounts(handle.db, surveyId);
  const answers = await answerCounts(handle.db, surveyId);
  const delivery = await deliveryCounts(handle.db, surveyId);
  const count = (s: TargetRecord['status']): number => byStatus.get(s) ?? 0;
  return {
    id: survey.id,
    name: survey.name,
    extCode: survey.extCode,
    phase: surveyPhase(survey, now),
    opensAt: survey.opensAt,
    closesAt: survey.closesAt,
    targets: {
      total: [...byStatus.values()].reduce((a, b) => a + b, 0),
      blocked: count('blocked'),
      pending: count('pending'),
      answering: count('answering'),
      completed: count('done') - endedInvalid,
      endedInvalid,
    },
    delivery: Object.fromEntries(delivery),
    questions: survey.questions.map((q, position) => {
      const mine = answers.filter((a) => a.position === position);
      const options = q.options.map((o) => ({
        code: o.code,
        label: o.label,
        count: mine.find((a) => a.optionCode === o.code)?.n ?? 0,
      }));
      const invalid = mine.find((a) => a.optionCode === null)?.n ?? 0;
      return {
        number: position + 1,
        text: q.text,
        options,
        invalid,
        answered: options.reduce((n, o) => n + o.count, 0),
      };
    }),
  };
}

export const CSV_HEADER = [
  '序号',
  '手机号',
  '调查状态',
  '题号',
  '题目',
  '答复',
  '选项编号',
  '选项内容',
  '原始回复',
  '答复时间',
];

const STATUS_TEXT: Record<TargetRecord['status'], string> = {
  blocked: '未发送(已退订或无法送达)',
  pending: '未答复',
  answering: '答复中',
  done: '已完成',
};

/** One CSV cell: quoted when it must be; a leading = + - @ (a formula to Excel) is neutralised. */
export function csvCell(value: string | number): string {
  let v = String(value);
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const csvLine = (cells: readonly (string | number)[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * The export, a chunk at a time (pages of targets), starting with the BOM and the header row. Rows
 * per phone follow the questions; a question not reached or not answered reads 未答.
 */
export async function* surveyCsv(
  handle: DatabaseHandle,
  survey: SurveyRecord,
  options: { unmasked: boolean; pageSize?: number },
): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(CSV_HEADER)}`;
  const pageSize = options.pageSize ?? 1000;
  let after = 0;
  let seq = 0;
  for (;;) {
    const { targets, answers } = await targetsPage(handle.db, survey.id, after, pageSize);
    if (targets.length === 0) return;
    const byKey = new Map(answers.map((a) => [`${a.mobile}\u0000${a.position}`, a]));
    const endedInvalid = new Set(answers.filter((a) => a.optionCode === null).map((a) => a.mobile));
    let chunk = '';
    for (const t of targets) {
      seq++;
      const status =
        t.status === 'done' && endedInvalid.has(t.mobile) ? '已结束(答复无效)' : STATUS_TEXT[t.status];
      const mobile = options.unmasked ? t.mobile : maskMobile(t.mobile);
      survey.questions.forEach((q, position) => {
        const a = byKey.get(`${t.mobile}\u0000${position}`);
        const option = a?.optionCode == null ? undefined : q.options.find((o) => o.code === a.optionCode);
        chunk += csvLine([
          seq,
          mobile,
          status,
          position + 1,
          q.text,
          a === undefined ? '未答' : a.optionCode === null ? '无效' : '有效',
          option?.code ?? '',
          option?.label ?? '',
          a?.rawText ?? '',
          a === undefined ? '' : formatBeijing(a.answeredAt, 'yyyy-MM-dd HH:mm:ss'),
        ]);
      });
    }
    yield chunk;
    after = targets[targets.length - 1]?.id ?? after;
    if (targets.length < pageSize) return;
  }
}

/** The whole export as one string (the interface's answer). */
export async function surveyCsvText(
  handle: DatabaseHandle,
  survey: SurveyRecord,
  options: { unmasked: boolean },
): Promise<string> {
  let out = '';
  for await (const chunk of surveyCsv(handle, survey, options)) out += chunk;
  return out;
}
