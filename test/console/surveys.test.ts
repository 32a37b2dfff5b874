/**
 * Surveys in the console (§7.4) on SQLite and PostgreSQL: an operator creates a survey
 * (an invalid one is refused with the reason), sends it to pasted numbers and an uploaded CSV with
 * progress, handsets answer through the carrier simulator, the live results count them, the CSV
 * export is masked and formula-safe with a BOM, and closing ends it. Create, send and close are
 * operation entries, the export a data entry; a case handler gets 403.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surveyResults, surveySendAnswer, surveysAnswer } from '../../src/console/contract/surveys.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { SERVICE_NUMBER, startCitizenRig, type CitizenRig } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

const A = '13800138001';
const B = '13800138002';
const C = '13800138003';

interface Job {
  state: string;
  progress: { done: number; total: number; queued: number };
  summary: { queued: number; invalidCount: number; invalid: string[] } | null;
}

interface Results {
  phase: string;
  sent: number;
  answerRate: number;
  targets: { total: number; completed: number };
  questions: { number: number; answered: number; options: { code: string; count: number }[] }[];
}

async function mo(rig: CitizenRig, from: string, to: string, text: string): Promise<void> {
  const res = await fetch(`${rig.controlUrl}/sim/mo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to, text }),
  });
  assert.ok(res.ok);
}

async function sendAndWait(client: ConsoleClient, id: number, body: unknown): Promise<Job> {
  const started = await client.post<{ job: Job }>(`surveys/${id}/send`, body);
  assert.equal(started.status, 200, JSON.stringify(started.json));
  return eventually(async () => {
    const polled = (await client.get<{ job: Job }>(`surveys/${id}/send-progress`)).json;
    assert.deepEqual(surveySendAnswer.parse(polled), polled, 'the contract, nothing more');
    const { job } = polled;
    return job.state === 'running' ? undefined : job;
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: an operator creates, sends, watches, exports and closes a survey`, async () => {
    const rig = await startCitizenRig(dialect, [], {
      config: { console: { enabled: true, port: 0 }, citizen: { pollMs: 50 } },
      handsets: true,
    });
    try {
      // No port needed: the calls go through inject().
      const consoleApp = rig.platform.consoleApp;
      assert.ok(consoleApp);
      const op = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'op', ['operator']));
      const handler = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'handler', ['case-handler']),
      );
      assert.equal((await handler.get('surveys')).status, 403);
      assert.equal((await handler.post('surveys', { name: 'x', questions: [] })).status, 403);

      const bad = await op.post<{ code: string; message: string }>('surveys', {
        name: '满意度',
        questions: [{ text: '满意吗？', options: [{ code: '1', label: '满意' }] }],
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 'SURVEY_INVALID');
      assert.match(bad.json.message, /options/);

      const created = await op.post<{ survey: { id: number; extCode: string } }>('surveys', {
        name: '社保服务满意度调查',
        intro: '您好，',
        questions: [
          {
            text: '您对办理结果是否满意？',
            options: [
              { code: '1', label: '满意' },
              { code: '2', label: '不满意' },
            ],
          },
          {
            text: '是否愿意接受回访？',
            options: [
              { code: 'A', label: '=是' },
              { code: 'B', label: '否' },
            ],
          },
        ],
      });
      assert.equal(created.status, 200, JSON.stringify(created.json));
      const { id, extCode } = created.json.survey;

      const first = await sendAndWait(op, id, { mobiles: `${A}\n${B}, 12345` });
      assert.equal(first.state, 'done');
      assert.ok(first.summary);
      assert.equal(first.summary.queued, 2);
      assert.deepEqual(first.summary.invalid, ['12345']);
      assert.equal(first.progress.done, first.progress.total);
      const csv = Buffer.from(`mobile,姓名\r\n${C},王五\r\n${A},张三\r\n`).toString('base64');
      const second = await sendAndWait(op, id, { file: { name: 'targets.csv', content: csv } });
      assert.equal(second.summary?.queued, 1, 'A was surveyed already');

      const number = SERVICE_NUMBER + extCode;
      await rig.nth(A, 1);
      await rig.nth(B, 1);
      await mo(rig, A, number, '1');
      await rig.nth(A, 2);
      await mo(rig, A, number, 'a');
      await rig.nth(A, 3);
      await mo(rig, B, number, '2');
      await rig.nth(B, 2);

      const results = await eventually(async () => {
        const r = (await op.get<Results>(`surveys/${id}/results`)).json;
        assert.deepEqual(surveyResults.parse(r), r, 'the contract, nothing more');
        return r.targets.completed === 1 && r.questions[0]?.answered === 2 ? r : undefined;
      });
      assert.equal(results.phase, 'open');
      assert.equal(results.sent, 3);
      assert.equal(results.answerRate, 0.667);
      assert.deepEqual(
        results.questions.map((q) => q.options.map((o) => `${o.code}:${o.count}`)),
        [
          ['1:1', '2:1'],
          ['A:1', 'B:0'],
        ],
      );
      const listed = await op.get<{ surveys: { id: number; phase: string; targets: { total: number } }[] }>(
        'surveys',
      );
      assert.deepEqual(surveysAnswer.parse(listed.json), listed.json, 'the contract, nothing more');
      assert.deepEqual(
        listed.json.surveys.map((s) => [s.id, s.phase, s.targets.total]),
        [[id, 'open', 3]],
      );

      const exported = await op.fetch(`surveys/${id}/export`);
      assert.equal(exported.status, 200);
      assert.match(exported.headers.get('content-type') ?? '', /text\/csv/);
      const bytes = Buffer.from(await exported.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM for Excel');
      const text = bytes.toString('utf8');
      assert.ok(text.includes('138****8001'));
      assert.ok(!text.includes(A), 'numbers masked');
      assert.ok(text.includes(",'=是,"), 'a formula-like cell is neutralised');

      const closed = await op.post<{ changed: boolean; phase: string }>(`surveys/${id}/close`);
      assert.deepEqual(closed.json, { changed: true, phase: 'closed' });
      const late = await op.post<{ code: string }>(`surveys/${id}/send`, { mobiles: C });
      assert.equal(late.status, 409);
      assert.equal(late.json.code, 'SURVEY_CLOSED');
      assert.equal((await op.get('surveys/999/results')).status, 404);

      const actions = (await searchAudit(rig.platform.handle.db, { actionContains: 'survey.' }, 0, 50))
        .map((e) => `${e.kind}:${e.action}:${e.result}`)
        .reverse();
      assert.deepEqual(actions, [
        'operation:survey.create:failed',
        'operation:survey.create:ok',
        'operation:survey.send:ok',
        'operation:survey.send:ok',
        'data:survey.export:ok',
        'operation:survey.close:ok',
      ]);
    } finally {
      await rig.close();
    }
  });
}
