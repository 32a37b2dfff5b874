/**
 * Surveys end to end (§7.4, docs/design.md §5 Surveys) on SQLite and PostgreSQL: a business system creates a
 * two-question survey and sends it to three phones (one had sent TD#: blocked, gets nothing);
 * citizens answer through the carrier simulator — to the survey's own number and to 12333 itself,
 * in full-width characters, with one invalid answer re-prompted and a second one ending the survey
 * for that phone; a command sent during the survey is still a command; counts and the CSV export;
 * the CLI closes the survey and later answers get the "已结束" reply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApp } from '../../src/cli/app.js';
import { runSurvey } from '../../src/cli/survey.js';
import { isAppError } from '../../src/shared/errors.js';
import { SURVEY_TEXTS } from '../../src/citizen/survey-rules.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { runCaptured } from '../helpers/cli.js';
import { SERVICE_NUMBER, startCitizenRig, type CitizenRig } from '../helpers/citizen.js';

const A = '13800138001';
const B = '13800138002';
const C = '13800138003'; // sent TD# before the survey
const D = '13800138004'; // not a target
const SURVEY_NUMBER = `${SERVICE_NUMBER}9001`;
const Q1 = '(1/2)您对本次社保业务办理是否满意？回复1满意,2基本满意,3不满意';
const Q2 = '(2/2)是否愿意接受电话回访？回复A是,B否';
const THANKS = '感谢您的参与，祝您生活愉快！';

const DEFINITION = {
  name: '2026年社保服务满意度调查',
  intro: '您好，',
  thanks: THANKS,
  questions: [
    { text: '您对本次社保业务办理是否满意？', options: ['满意', '基本满意', '不满意'] },
    {
      text: '是否愿意接受电话回访？',
      options: [
        { code: 'A', label: '是' },
        { code: 'B', label: '否' },
      ],
    },
  ],
};

/** Texts `to` (a number the platform answers on) and returns the next message the phone receives. */
async function textTo(
  rig: CitizenRig,
  mobile: string,
  to: string,
  text: string,
): Promise<{ from: string; text: string }> {
  const before = (await rig.inbox(mobile)).length;
  const res = await fetch(`${rig.controlUrl}/sim/mo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: mobile, to, text }),
  });
  assert.ok(res.ok, `/sim/mo answered ${res.status}`);
  const reply = await rig.nth(mobile, before + 1);
  const entry = (await rig.inbox(mobile))[before];
  return { from: entry?.from ?? '', text: reply };
}

/** Runs the survey CLI in this process, its output captured. */
const cli = (args: string[]) => runCaptured(() => runSurvey(args));

for (const dialect of DIALECTS) {
  test(`${dialect}: a survey sent, answered by extension code and by open survey, counted, exported, closed`, async (t) => {
    const rig = await startCitizenRig(dialect, [], {
      config: { citizen: { pollMs: 50, surveyApps: ['hrss'] } },
    });
    const dir = await mkdtemp(join(tmpdir(), 'sms12333-survey-'));
    const api = async (path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> =>
      (await rig.post(path, { appName: rig.appName, password: rig.password, ...body })).json;
    try {
      let surveyId = 0;

      await t.test('the phone that sent TD# first', async () => {
        // An app whose ext code (made here past the CLI's check) overlaps the survey numbers: they stay the platform's.
        await createTestApp(rig.platform.handle.db, 'other', { extCode: '9' });
        assert.match(await rig.ask(C, 'TD#'), /已退订/);
      });

      await t.test('only accounts named in citizen.surveyApps may create surveys', async () => {
        const refused = await rig.post('/api/survey/create', {
          appName: 'other',
          password: TEST_PASSWORD,
          ...DEFINITION,
        });
        assert.equal(refused.json.code, 6);
      });

      await t.test('a malformed survey is code 2 naming the field', async () => {
        const bad = await api('/api/survey/create', {
          name: 'x',
          questions: [{ text: '好吗？', options: ['好'] }],
        });
        assert.equal(bad.code, 2);
        assert.match(String(bad.msg), /questions\[0\]\.options/);
      });

      await t.test('created as a draft with its own extension code', async () => {
        const created = await api('/api/survey/create', DEFINITION);
        assert.equal(created.code, 1, JSON.stringify(created));
        assert.equal(created.extCode, '9001');
        assert.equal(created.status, 'draft');
        assert.deepEqual(created.warnings, []);
        surveyId = Number(created.surveyId);
      });

      await t.test(
        'sent to three phones: two queued, the unsubscribed one blocked; again sends nothing',
        async () => {
          const sent = await api('/api/survey/send', { surveyId, mobiles: `${A},${B},${C}` });
          assert.equal(sent.code, 1, JSON.stringify(sent));
          assert.deepEqual([sent.queued, sent.blocked, sent.already], [2, 1, 0]);
          const again = await api('/api/survey/send', { surveyId, mobiles: [A, B, C] });
          assert.deepEqual([again.queued, again.blocked, again.already], [0, 0, 3]);
          const others = await rig.post('/api/survey/send', {
            appName: 'other',
            password: TEST_PASSWORD,
            surveyId,
            mobiles: A,
          });
          assert.equal(others.json.code, 6);
        },
      );

      await t.test(
        'the first question arrives from the survey number; the TD phone gets nothing',
        async () => {
          for (const m of [A, B]) {
            assert.equal(await rig.nth(m, 1), `您好，${Q1}`);
            assert.equal((await rig.inbox(m))[0]?.from, SURVEY_NUMBER);
          }
          const blocked = await rig.platform.handle.db
            .selectFrom('messages')
            .innerJoin('batches', 'batches.id', 'messages.batch_id')
            .select(['messages.status', 'batches.category', 'batches.src_ext'])
            .where('messages.mobile', '=', C)
            .where('batches.category', '=', 'survey')
            .execute();
          assert.deepEqual(blocked, [{ status: 'BLOCKED', category: 'survey', src_ext: '9001' }]);
          assert.equal((await rig.inbox(C)).length, 1, 'only the TD reply');
        },
      );

      await t.test('A: full-width answer to the survey number, then a letter to 12333 itself', async () => {
        const second = await textTo(rig, A, SURVEY_NUMBER, '１');
        assert.deepEqual(second, { from: SURVEY_NUMBER, text: Q2 });
        const done = await textTo(rig, A, SERVICE_NUMBER, ' ｂ ');
        assert.equal(done.text, THANKS);
        assert.equal(done.from, SERVICE_NUMBER);
        assert.equal((await textTo(rig, A, SURVEY_NUMBER, '2')).text, SURVEY_TEXTS.alreadyDone);
      });

      await t.test(
        'B: a command during the survey is a command; an invalid answer is asked again once',
        async () => {
          assert.match((await textTo(rig, B, SERVICE_NUMBER, 'CBXX#')).text, /^本机尚未绑定/);
          assert.equal(
            (await textTo(rig, B, SERVICE_NUMBER, '还行吧')).text,
            `${SURVEY_TEXTS.reprompt}${Q1}`,
          );
          assert.equal((await textTo(rig, B, SERVICE_NUMBER, '２')).text, Q2);
          // At the survey's own number even a command reads as an answer attempt.
          assert.equal((await textTo(rig, B, SURVEY_NUMBER, 'CBXX#')).text, `${SURVEY_TEXTS.reprompt}${Q2}`);
          assert.equal((await textTo(rig, B, SURVEY_NUMBER, '不知道')).text, SURVEY_TEXTS.endedInvalid);
          // The survey is over for B: 12333 reads texts as commands again.
          assert.match((await rig.askAll(B, '1', 2)).join(' | '), /回复BD#/);
        },
      );

      await t.test('others: not a target, TD to the survey number, the blocked phone', async () => {
        assert.equal((await textTo(rig, D, SURVEY_NUMBER, '1')).text, SURVEY_TEXTS.notTargeted);
        assert.match((await rig.askAll(D, '1', 2)).join(' | '), /回复BD#/);
        assert.match((await textTo(rig, D, SURVEY_NUMBER, 'td#')).text, /已退订/);
        assert.match((await rig.askAll(C, '1', 2)).join(' | '), /回复BD#/);
      });

      await t.test('the engine recorded each answer', async () => {
        const rows = await rig.platform.handle.db
          .selectFrom('citizen_requests')
          .select(['mobile', 'command', 'outcome'])
          .where('command', '=', 'SURVEY')
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows.map((r) => `${r.mobile.slice(-1)}:${r.outcome}`),
          [
            '1:answered',
            '1:completed',
            '1:already-done',
            '2:reprompted',
            '2:answered',
            '2:reprompted',
            '2:invalid',
            '4:not-targeted',
          ],
        );
      });

      await t.test('live counts per question and option', async () => {
        const r = await api('/api/survey/results', { surveyId });
        assert.equal(r.code, 1, JSON.stringify(r));
        assert.equal(r.phase, 'open');
        assert.deepEqual(r.targets, {
          total: 3,
          blocked: 1,
          pending: 0,
          answering: 0,
          completed: 1,
          endedInvalid: 1,
        });
        const questions = r.questions as {
          number: number;
          answered: number;
          invalid: number;
          options: { code: string; count: number }[];
        }[];
        assert.deepEqual(
          questions.map((q) => [
            q.number,
            q.answered,
            q.invalid,
            q.options.map((o) => `${o.code}=${o.count}`).join(' '),
          ]),
          [
            [1, 2, 0, '1=1 2=1 3=0'],
            [2, 1, 1, 'A=0 B=1'],
          ],
        );
        assert.equal((r.delivery as Record<string, number>).BLOCKED, 1);
      });

      await t.test(
        'CSV export: BOM, one row per phone and question, phones masked unless asked',
        async () => {
          const res = await rig.platform.interfaceApp?.inject({
            method: 'POST',
            url: '/api/survey/results',
            payload: { appName: rig.appName, password: rig.password, surveyId, format: 'csv' },
            remoteAddress: '127.0.0.1',
          });
          assert.ok(res);
          assert.match(String(res.headers['content-type']), /^text\/csv/);
          const csv = res.rawPayload.toString('utf8');
          assert.ok(
            csv.startsWith(
              '\uFEFF序号,手机号,调查状态,题号,题目,答复,选项编号,选项内容,原始回复,答复时间\r\n',
            ),
            csv.slice(0, 80),
          );
          const lines = csv.slice(1).trimEnd().split('\r\n');
          assert.equal(lines.length, 1 + 3 * 2);
          assert.ok(!csv.includes(A) && !csv.includes(B), 'masked');
          const row = (mobile: string, q: number): string[] =>
            (
              lines.find(
                (l) =>
                  l.includes(`${mobile.slice(0, 3)}****${mobile.slice(7)}`) && l.split(',')[3] === String(q),
              ) ?? ''
            ).split(',');
          assert.deepEqual(row(A, 1).slice(2, 9), [
            '已完成',
            '1',
            '您对本次社保业务办理是否满意？',
            '有效',
            '1',
            '满意',
            '１',
          ]);
          assert.deepEqual(row(A, 2).slice(5, 9), ['有效', 'B', '否', ' ｂ ']);
          assert.deepEqual(row(B, 2).slice(2, 9), [
            '已结束(答复无效)',
            '2',
            '是否愿意接受电话回访？',
            '无效',
            '',
            '',
            '不知道',
          ]);
          assert.deepEqual(row(C, 1).slice(2, 6), [
            '未发送(已退订或无法送达)',
            '1',
            '您对本次社保业务办理是否满意？',
            '未答',
          ]);
          assert.match(row(A, 1)[9] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
          const full = await rig.platform.interfaceApp?.inject({
            method: 'POST',
            url: '/api/survey/results',
            payload: { appName: rig.appName, password: rig.password, surveyId, format: 'csv', unmasked: '1' },
            remoteAddress: '127.0.0.1',
          });
          assert.ok(full?.rawPayload.toString('utf8').includes(`,${A},`));
        },
      );

      await t.test('the CLI shows the counts, exports the CSV and closes the survey', async () => {
        const config = join(dir, 'config.yaml');
        await writeFile(
          config,
          `database:\n  url: "${rig.platform.config.database.url}"\n  sqliteSynchronous: NORMAL\nlog:\n  level: silent\n`,
        );
        const shown = await cli([
          'results',
          '--id',
          String(surveyId),
          '--csv',
          join(dir, 'out.csv'),
          '--config',
          config,
        ]);
        assert.equal(shown.code, 0);
        assert.match(shown.out, /对象 targets 3: 未发送 blocked 1/);
        assert.match(shown.out, /1 满意: 1/);
        const file = await readFile(join(dir, 'out.csv'), 'utf8');
        assert.ok(file.startsWith('\uFEFF序号'));
        assert.equal(file.trimEnd().split('\r\n').length, 7);
        await assert.rejects(
          runApp([
            'add',
            '--name',
            'late',
            '--password',
            'Passw0rd!',
            '--ext-code',
            '901',
            '--config',
            config,
          ]),
          (err: unknown) => isAppError(err, 'ERR_INPUT_INVALID'),
        );
        const closed = await cli(['close', '--id', String(surveyId), '--config', config]);
        assert.equal(closed.code, 0);
        assert.match(closed.out, /已结束 closed/);
      });

      await t.test(
        'after closing: answers get the short "已结束" reply; commands still work from the survey number',
        async () => {
          assert.equal((await textTo(rig, A, SURVEY_NUMBER, '1')).text, SURVEY_TEXTS.closed);
          assert.match((await textTo(rig, A, SURVEY_NUMBER, 'CBXX#')).text, /^本机尚未绑定/);
          const r = await api('/api/survey/results', { surveyId });
          assert.equal(r.phase, 'closed');
          const late = await api('/api/survey/send', { surveyId, mobiles: D });
          assert.equal(late.code, 2);
        },
      );
    } finally {
      await rig.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
