/**
 * The pure part of surveys (§7.4, docs/design.md §5 Surveys): what a survey definition may hold, how a
 * citizen's reply is read as an option, and the texts the citizen gets. No I/O.
 *
 * A phone's way through a survey, one question at a time:
 *
 *   question k ── valid option ──► question k+1 … ── valid option on the last ──► thanks (done)
 *        │
 *        └─ invalid ──► the same question again (re-prompt, once)
 *                          └─ invalid again ──► recorded invalid; the survey ends for that phone
 *
 * Ending (rather than moving on) after a second invalid answer keeps a citizen who is not answering
 * — or who is trying to reach 12333 about something else — out of a loop of questions (§6.2.2 a:
 * few round trips), and stops spending messages on a conversation that is not happening.
 */
import { fromBeijing } from '../domain/beijing-time.js';
import { measureText } from '../domain/text/index.js';

export interface SurveyOption {
  /** Upper-case: one or two digits, or one letter (§6.2.2 c). */
  code: string;
  label: string;
}

export interface SurveyQuestion {
  text: string;
  options: SurveyOption[];
}

export interface SurveyDefinition {
  name: string;
  intro: string;
  thanks: string;
  opensAt: number;
  closesAt: number;
  questions: SurveyQuestion[];
}

export const SURVEY_LIMITS = {
  name: 50,
  intro: 70,
  thanks: 60,
  questions: 10,
  questionText: 200,
  options: 10,
  label: 20,
  /** Longest validity window. */
  days: 90,
} as const;

/** Texts the platform answers with (zh-CN), each within one SMS with a 【…】 signature of up to 10 characters. */
export const SURVEY_TEXTS = {
  thanks: '调查已完成，感谢您的参与！',
  reprompt: '未能识别您的回复，请回复选项编号。',
  endedInvalid: '未能识别您的回复，本次调查已结束，感谢您的参与。',
  closed: '本次调查已结束，感谢您的关注。',
  notOpen: '本次调查尚未开始，感谢您的关注。',
  notTargeted: '本机号码不在本次调查范围内，感谢您的关注。',
  alreadyDone: '您已完成本次调查，感谢您的参与。',
} as const;

const DEFAULT_DAYS = 7;

/** Full-width ASCII (！ to ～) and the ideographic space to half-width, as commands are read (docs/design.md §5 Commands). */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** Trimmed, half-width, upper-case, without the `#`, full stops and spaces people add around an answer. */
export function normaliseAnswer(text: string): string {
  return toHalfWidth(text)
    .trim()
    .replace(/^[#\s]+|[#\s.。!！,，、]+$/gu, '')
    .toUpperCase();
}

/**
 * The option a reply means: its code (`1`, `a`, `１`, `1#`), the code followed by anything that is
 * not a letter or digit (`1满意`, `1.满意`), or its label exactly (`满意`). Null otherwise.
 */
export function matchOption(question: SurveyQuestion, text: string): SurveyOption | null {
  const answer = normaliseAnswer(text);
  if (answer === '') return null;
  const exact = question.options.find((o) => o.code === answer);
  if (exact) return exact;
  const prefixed = question.options.find(
    (o) => answer.startsWith(o.code) && !/^[0-9A-Z]/.test(answer.slice(o.code.length)),
  );
  if (prefixed) return prefixed;
  return question.options.find((o) => normaliseAnswer(o.label) === answer) ?? null;
}

/** TD and QXFW are honoured even when sent to a survey's number: unsubscribing must always work. */
export function isUnsubscribeText(text: string): boolean {
  const t = normaliseAnswer(text);
  return t === 'TD' || t === 'QXFW';
}

/** `(1/2)问题回复1满意,2基本满意,3不满意`; the counter only when there are several questions. */
export function renderQuestion(questions: readonly SurveyQuestion[], position: number): string {
  const q = questions[position];
  if (!q) return '';
  const counter = questions.length > 1 ? `(${position + 1}/${questions.length})` : '';
  return `${counter}${q.text}回复${q.options.map((o) => `${o.code}${o.label}`).join(',')}`;
}

/** What the first message says: the introduction, then the first question. */
export function firstMessage(def: Pick<SurveyDefinition, 'intro' | 'questions'>): string {
  return def.intro + renderQuestion(def.questions, 0);
}

export function repromptMessage(questions: readonly SurveyQuestion[], position: number): string {
  return SURVEY_TEXTS.reprompt + renderQuestion(questions, position);
}

/** The survey's extension code: the prefix, then its number in at least three digits (9001). */
export function surveyExtCode(prefix: string, id: number): string {
  return prefix + String(id).padStart(3, '0');
}

export type SurveyPhase = 'draft' | 'scheduled' | 'open' | 'closed';

/** Where a survey stands at `now`: past its window it reads as closed whatever its stored status. */
export function surveyPhase(
  s: { status: 'draft' | 'open' | 'closed'; opensAt: number; closesAt: number },
  now: number,
): SurveyPhase {
  if (s.status === 'closed' || now >= s.closesAt) return 'closed';
  if (s.status === 'draft') return 'draft';
  return now < s.opensAt ? 'scheduled' : 'open';
}

const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** `yyyyMMddHHmmss` or `yyyy-MM-dd[ HH:mm[:ss]]` in Beijing time, or ISO 8601 with an offset. */
export function parseSurveyTime(value: string): number | null {
  const v = value.trim();
  const m = COMPACT_TIME.exec(v) ?? LOCAL_TIME.exec(v);
  if (m) {
    const n = (i: number): number => Number(m[i] ?? '0');
    return fromBeijing({ year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) });
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export type ParsedSurvey =
  { ok: true; definition: SurveyDefinition; warnings: string[] } | { ok: false; errors: string[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function textField(
  o: Record<string, unknown>,
  name: string,
  path: string,
  max: number,
  errors: string[],
  fallback?: string,
): string {
  const v = o[name];
  if (v === undefined || v === null || v === '') {
    if (fallback === undefined) errors.push(`${path}${name}: 必填 (required)`);
    return fallback ?? '';
  }
  if (typeof v !== 'string') {
    errors.push(`${path}${name}: 应为文本 (must be a string)`);
    return '';
  }
  const t = v.trim();
  if (Array.from(t).length > max) errors.push(`${path}${name}: 至多 ${max} 字 (at most ${max} characters)`);
  if (fallback === undefined && t === '') errors.push(`${path}${name}: 必填 (required)`);
  return t;
}

function parseOptions(raw: unknown, path: string, errors: string[]): SurveyOption[] {
  if (!Array.isArray(raw) || raw.length < 2 || raw.length > SURVEY_LIMITS.options) {
    errors.push(
      `${path}options: 应有 2–${SURVEY_LIMITS.options} 个选项 (2–${SURVEY_LIMITS.options} options)`,
    );
    return [];
  }
  const options = raw.map((o: unknown, i): SurveyOption => {
    const p = `${path}options[${i}].`;
    // A bare label is numbered 1, 2, 3… by its place.
    if (typeof o === 'string')
      return { code: String(i + 1), label: textField({ label: o }, 'label', p, SURVEY_LIMITS.label, errors) };
    if (!isRecord(o)) {
      errors.push(`${p.slice(0, -1)}: 应为文本或 {code, label} (a label or {code, label})`);
      return { code: '', label: '' };
    }
    const code = toHalfWidth(
      typeof o.code === 'number' ? String(o.code) : typeof o.code === 'string' ? o.code : '',
    )
      .trim()
      .toUpperCase();
    if (!/^(\d{1,2}|[A-Z])$/.test(code))
      errors.push(`${p}code: 一至两位数字或一个字母 (one or two digits, or one letter)`);
    return { code, label: textField(o, 'label', p, SURVEY_LIMITS.label, errors) };
  });
  const codes = options.map((o) => o.code);
  const dup = codes.filter((c, i) => c !== '' && codes.indexOf(c) !== i);
  if (dup.length > 0)
    errors.push(`${path}options: 选项编号重复 (duplicate codes) ${[...new Set(dup)].join(',')}`);
  return options;
}

/**
 * Reads a survey as an operator writes it (survey.json, or the interface's fields). Errors name the
 * field; warnings say which messages will go as long (concatenated) SMS.
 */
export function parseSurveyDefinition(
  input: unknown,
  opts: { now: number; signature: string; maxSegments: number },
): ParsedSurvey {
  const errors: string[] = [];
  if (!isRecord(input))
    return { ok: false, errors: ['调查定义应为 JSON 对象 (the survey must be a JSON object)'] };
  const name = textField(input, 'name', '', SURVEY_LIMITS.name, errors);
  const intro = textField(input, 'intro', '', SURVEY_LIMITS.intro, errors, '');
  const thanks =
    textField(input, 'thanks', '', SURVEY_LIMITS.thanks, errors, SURVEY_TEXTS.thanks) || SURVEY_TEXTS.thanks;

  const time = (field: string, fallback: number): number => {
    const v = input[field];
    if (v === undefined || v === null || v === '') return fallback;
    const t = typeof v === 'string' ? parseSurveyTime(v) : null;
    if (t === null)
      errors.push(
        `${field}: 应为 yyyy-MM-dd HH:mm:ss（北京时间）或带时区的 ISO 8601 (Beijing time or ISO 8601 with offset)`,
      );
    return t ?? fallback;
  };
  const opensAt = time('opensAt', opts.now);
  const closesAt = time('closesAt', opensAt + DEFAULT_DAYS * 86_400_000);
  if (closesAt <= opensAt) errors.push('closesAt: 应晚于 opensAt (must be after opensAt)');
  else if (closesAt <= opts.now) errors.push('closesAt: 应晚于现在 (must be in the future)');
  else if (closesAt - opensAt > SURVEY_LIMITS.days * 86_400_000)
    errors.push(`closesAt: 有效期至多 ${SURVEY_LIMITS.days} 天 (at most ${SURVEY_LIMITS.days} days)`);

  const rawQuestions = input.questions;
  const questions: SurveyQuestion[] = [];
  if (
    !Array.isArray(rawQuestions) ||
    rawQuestions.length < 1 ||
    rawQuestions.length > SURVEY_LIMITS.questions
  )
    errors.push(`questions: 应有 1–${SURVEY_LIMITS.questions} 题 (1–${SURVEY_LIMITS.questions} questions)`);
  else
    rawQuestions.forEach((q: unknown, i) => {
      const path = `questions[${i}].`;
      if (!isRecord(q)) {
        errors.push(`questions[${i}]: 应为 {text, options} (must be {text, options})`);
        return;
      }
      questions.push({
        text: textField(q, 'text', path, SURVEY_LIMITS.questionText, errors),
        options: parseOptions(q.options, path, errors),
      });
    });
  if (errors.length > 0) return { ok: false, errors };

  const definition: SurveyDefinition = { name, intro, thanks, opensAt, closesAt, questions };
  const warnings: string[] = [];
  const check = (what: string, text: string): void => {
    const m = measureText(opts.signature + text, 'cn');
    if (m.segments > opts.maxSegments)
      errors.push(`${what}: 加签名共需 ${m.segments} 条短信，最多 ${opts.maxSegments} 条 (too long)`);
    else if (!m.fitsSingle)
      warnings.push(`${what}: 超过一条短信，将以长短信发送 (${m.segments} 条) (sent as a long message)`);
  };
  check('questions[0]（含 intro）', firstMessage(definition));
  questions.forEach((_, i) => {
    if (i > 0) check(`questions[${i}]`, renderQuestion(questions, i));
    check(`questions[${i}]（重复提示 re-prompt）`, repromptMessage(questions, i));
  });
  check('thanks', thanks);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, definition, warnings };
}
