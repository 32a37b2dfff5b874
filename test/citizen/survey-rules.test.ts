/**
 * The pure part of surveys (§7.4): reading a reply as an option (full-width, case, a label, the
 * code with its label), the definition's checks and warnings, the texts, the phase at a time, and
 * the CSV cells.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { measureText } from '../../src/domain/text/index.js';
import {
  firstMessage,
  isUnsubscribeText,
  matchOption,
  normaliseAnswer,
  parseSurveyDefinition,
  parseSurveyTime,
  renderQuestion,
  repromptMessage,
  surveyExtCode,
  surveyPhase,
  SURVEY_TEXTS,
  type SurveyQuestion,
} from '../../src/citizen/survey-rules.js';
import { csvCell } from '../../src/citizen/survey-results.js';

const NOW = Date.UTC(2026, 10, 28, 2, 0, 0); // 2026-11-28 10:00 Beijing
const SATISFACTION: SurveyQuestion = {
  text: '您对办理结果是否满意？',
  options: [
    { code: '1', label: '满意' },
    { code: '2', label: '基本满意' },
    { code: '3', label: '不满意' },
  ],
};
const YES_NO: SurveyQuestion = {
  text: '是否愿意再次接受回访？',
  options: [
    { code: 'A', label: '是' },
    { code: 'B', label: '否' },
  ],
};
const opts = { now: NOW, signature: '【12333】', maxSegments: 10 };

test('an option by its code, full-width, lower case, with # or a full stop, or by its label', () => {
  const code = (q: SurveyQuestion, t: string): string | null => matchOption(q, t)?.code ?? null;
  assert.equal(code(SATISFACTION, '1'), '1');
  assert.equal(code(SATISFACTION, ' ２ '), '2');
  assert.equal(code(SATISFACTION, '3#'), '3');
  assert.equal(code(SATISFACTION, '1。'), '1');
  assert.equal(code(SATISFACTION, '1满意'), '1');
  assert.equal(code(SATISFACTION, '2.基本满意'), '2');
  assert.equal(code(SATISFACTION, '基本满意'), '2');
  assert.equal(code(YES_NO, 'a'), 'A');
  assert.equal(code(YES_NO, 'ｂ'), 'B');
  assert.equal(code(YES_NO, '否'), 'B');
});

test('anything else is no option: other digits, a longer number, words, a command', () => {
  for (const t of ['4', '12', '0', '', '  ', '好', 'CBXX#', 'TD#', '1a'])
    assert.equal(matchOption(SATISFACTION, t), null, t);
  assert.equal(matchOption(YES_NO, 'AB'), null);
  assert.equal(matchOption(YES_NO, 'c'), null);
});

test("property: a matched option is always one of the question's", () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const o = matchOption(SATISFACTION, s);
      return o === null || SATISFACTION.options.includes(o);
    }),
  );
});

test('normalising: half-width, trimmed, upper case; TD and QXFW are recognised however typed', () => {
  assert.equal(normaliseAnswer('　ａ＃ '), 'A');
  assert.ok(isUnsubscribeText('td#'));
  assert.ok(isUnsubscribeText('ＴＤ＃'));
  assert.ok(isUnsubscribeText(' qxfw '));
  assert.ok(!isUnsubscribeText('TD#1'));
  assert.ok(!isUnsubscribeText('1'));
});

test('question texts: a counter only with several questions, options inline; re-prompt repeats the question', () => {
  assert.equal(renderQuestion([SATISFACTION], 0), '您对办理结果是否满意？回复1满意,2基本满意,3不满意');
  assert.equal(renderQuestion([SATISFACTION, YES_NO], 1), '(2/2)是否愿意再次接受回访？回复A是,B否');
  assert.equal(
    firstMessage({ intro: '您好，', questions: [SATISFACTION, YES_NO] }),
    '您好，(1/2)您对办理结果是否满意？回复1满意,2基本满意,3不满意',
  );
  assert.equal(
    repromptMessage([SATISFACTION], 0),
    `${SURVEY_TEXTS.reprompt}您对办理结果是否满意？回复1满意,2基本满意,3不满意`,
  );
});

test('every fixed text fits one SMS with a signature of up to 10 characters', () => {
  for (const [key, text] of Object.entries(SURVEY_TEXTS))
    assert.ok(measureText(`【${'一'.repeat(8)}】${text}`, 'cn').fitsSingle, key);
});

test('extension codes: prefix and at least three digits', () => {
  assert.equal(surveyExtCode('9', 1), '9001');
  assert.equal(surveyExtCode('88', 1234), '881234');
});

test('phase: draft, scheduled, open, and closed by status or by time', () => {
  const s = { status: 'open' as const, opensAt: NOW, closesAt: NOW + 1000 };
  assert.equal(surveyPhase({ ...s, status: 'draft' }, NOW), 'draft');
  assert.equal(surveyPhase(s, NOW - 1), 'scheduled');
  assert.equal(surveyPhase(s, NOW), 'open');
  assert.equal(surveyPhase(s, NOW + 1000), 'closed');
  assert.equal(surveyPhase({ ...s, status: 'closed' }, NOW), 'closed');
});

test('times: Beijing wall clock in two forms, or ISO 8601 with an offset', () => {
  assert.equal(parseSurveyTime('2026-11-28 10:00:00'), NOW);
  assert.equal(parseSurveyTime('2026-11-28 10:00'), NOW);
  assert.equal(parseSurveyTime('20261128100000'), NOW);
  assert.equal(parseSurveyTime('2026-11-28T02:00:00Z'), NOW);
  assert.equal(parseSurveyTime('2026-02-30 10:00'), null);
  assert.equal(parseSurveyTime('tomorrow'), null);
});

test('a definition: bare labels numbered, codes upper-cased, defaults for thanks and the window', () => {
  const parsed = parseSurveyDefinition(
    {
      name: ' 满意度 ',
      questions: [
        { text: '满意吗？', options: ['满意', '不满意'] },
        {
          text: '再来吗？',
          options: [
            { code: 'a', label: '来' },
            { code: 'b', label: '不来' },
          ],
        },
      ],
    },
    opts,
  );
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.equal(parsed.definition.name, '满意度');
  assert.deepEqual(parsed.definition.questions[0]?.options, [
    { code: '1', label: '满意' },
    { code: '2', label: '不满意' },
  ]);
  assert.deepEqual(
    parsed.definition.questions[1]?.options.map((o) => o.code),
    ['A', 'B'],
  );
  assert.equal(parsed.definition.thanks, SURVEY_TEXTS.thanks);
  assert.equal(parsed.definition.opensAt, NOW);
  assert.equal(parsed.definition.closesAt, NOW + 7 * 86_400_000);
  assert.deepEqual(parsed.warnings, []);
});

test("a definition's errors name the field", () => {
  const bad = parseSurveyDefinition(
    {
      questions: [
        { text: '', options: ['只有一个'] },
        {
          text: '码？',
          options: [
            { code: '1', label: 'x' },
            { code: '１', label: 'y' },
            { code: 'TD', label: 'z' },
          ],
        },
      ],
      closesAt: '2020-01-01 00:00',
    },
    opts,
  );
  assert.ok(!bad.ok);
  const text = bad.errors.join('\n');
  for (const field of [
    'name',
    'questions[0].text',
    'questions[0].options',
    'questions[1].options: 选项编号重复',
    'questions[1].options[2].code',
    'closesAt',
  ])
    assert.ok(text.includes(field), `${field} in ${text}`);
  assert.ok(!parseSurveyDefinition([], opts).ok);
  assert.ok(!parseSurveyDefinition({ name: 'x', questions: [] }, opts).ok);
});

test('a long question is a warning (long SMS); beyond the segment limit an error', () => {
  const options = Array.from({ length: 10 }, (_, i) => ({
    code: String(i + 1),
    label: '非常非常满意的选项内容',
  }));
  const long = parseSurveyDefinition({ name: 'x', questions: [{ text: '问题'.repeat(20), options }] }, opts);
  assert.ok(long.ok);
  assert.ok(
    long.warnings.some((w) => w.startsWith('questions[0]')),
    long.warnings.join(),
  );
  const tooLong = parseSurveyDefinition(
    { name: 'x', questions: [{ text: '问题'.repeat(20), options }] },
    { ...opts, maxSegments: 2 },
  );
  assert.ok(!tooLong.ok);
});

test('CSV cells: quoted when needed, formulas neutralised', () => {
  assert.equal(csvCell('满意'), '满意');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell(3), '3');
});
