/**
 * The Send page's API on both databases: the preview counts characters, segments and cost and lists
 * invalid lines; an .xlsx batch with per-row variables reaches the simulator's handsets with each
 * row's text; a repeated submit with the same key sends nothing twice; a batch over the review
 * threshold waits HELD for a reviewer; the roles are kept apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { readBatchFile } from '../../src/console/batch-file.js';
import { sendAppsAnswer, sendOutcome, sendPreview, sendStatus } from '../../src/console/contract/send.js';
import { ConsoleError } from '../../src/console/errors.js';
import { planSend } from '../../src/console/send-plan.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { createTemplate } from '../../src/store/templates.js';
import { getBalance } from '../../src/store/apps.js';
import { approveReview, findReview } from '../../src/store/reviews.js';
import { addSensitiveWord } from '../../src/store/sensitive-words.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

interface Preview {
  recipients: { valid: number; invalid: number; duplicates: number; noRoute: number };
  problems: { line: number; value: string; code: string; reason: string }[];
  duplicates: { line: number; mobile: string; firstLine: number }[];
  message: { units: number; segments: number; coding: string; limit: number; fits: boolean };
  samples: { mobile: string; text: string; units: number; segments: number }[];
  cost: number;
  balanceBefore: number;
  balanceAfter: number;
  review: { required: boolean; threshold: number };
  distinctTexts: number;
}

interface Submitted {
  key: string;
  appId: number;
  replayed: boolean;
  accepted: number;
  blocked: number;
  invalid: number;
  charged: number;
  batchIds: string[];
  batchCount: number;
  review: { required: boolean; reviewId: number | null };
}

interface Progress {
  total: number;
  byStatus: Record<string, number>;
  final: boolean;
  batchIds: string[];
}

async function xlsxBase64(rows: (string | number)[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

async function waitFinal(client: ConsoleClient, appId: number, key: string): Promise<Progress> {
  return eventually(
    async () => {
      const res = await client.get<Progress>(`send/status?appId=${appId}&key=${key}`);
      assert.equal(res.status, 200);
      assert.deepEqual(sendStatus.parse(res.json), res.json, 'the contract, nothing more');
      return res.json.final ? res.json : undefined;
    },
    20_000,
    'every message final',
  );
}

for (const dialect of DIALECTS) {
  test(`${dialect}: console send — preview, .xlsx batch with variables, idempotent resubmit, roles`, async (t) => {
    const rig = await startTestPlatform(dialect, {
      config: { console: { enabled: true, port: 0, batchReviewThreshold: 3 } },
      app: { balance: 100 },
    });
    t.after(() => rig.close());
    const { platform } = rig;
    // No port needed: the calls go through inject().
    const consoleApp = platform.consoleApp;
    assert.ok(consoleApp);
    const operator = await consoleLogin(consoleApp, await addConsoleUser(platform, 'op.zhang', ['operator']));
    const reviewer = await consoleLogin(consoleApp, await addConsoleUser(platform, 'rv.li', ['reviewer']));

    const apps = await operator.get<{
      apps: { id: number; name: string; signature: string; balance: number }[];
    }>('send/apps');
    assert.equal(apps.status, 200);
    assert.deepEqual(sendAppsAnswer.parse(apps.json), apps.json, 'the contract, nothing more');
    assert.deepEqual(
      apps.json.apps.map((a) => [a.name, a.signature, a.balance]),
      [['hrss', '【人社局】', 100]],
      'the business-system accounts, not the service account',
    );
    const appId = apps.json.apps[0]?.id ?? 0;

    await t.test('preview: segments, cost, invalid lines, duplicates; nothing is sent', async () => {
      const text = '您的社保卡已制作完成，请携带身份证到就近网点领取。'.repeat(3); // 75 + signature: 2 segments
      const res = await operator.post<Preview>('send/preview', {
        appId,
        mobiles: '13800138001, 13800138002\n12345\n138 0013 8001\n+8613900139001 abc',
        content: text,
        islong: true,
        // As the page sends them: no shared values, no schedule (a null must stay null, not become "").
        params: {},
        sendTime: null,
      });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      const p = res.json;
      assert.deepEqual(p.recipients, { valid: 3, invalid: 2, duplicates: 1, noRoute: 0 });
      assert.deepEqual(
        p.problems.map((x) => [x.line, x.value, x.code]),
        [
          [2, '12345', 'invalid-mobile'],
          [4, 'abc', 'invalid-mobile'],
        ],
      );
      assert.deepEqual(p.duplicates, [{ line: 3, mobile: '13800138001', firstLine: 1 }]);
      assert.equal(p.message.units, 5 + text.length);
      assert.equal(p.message.coding, 'ucs2');
      assert.equal(p.message.segments, 2);
      assert.equal(p.cost, 6);
      assert.equal(p.balanceBefore, 100);
      assert.equal(p.balanceAfter, 94);
      assert.equal(p.review.required, false);
      assert.equal(p.samples[0]?.text, `【人社局】${text}`);

      const single = await operator.post<Preview>('send/preview', {
        appId,
        mobiles: '13800138001',
        content: text,
      });
      assert.equal(single.json.message.fits, false, 'too long for one SMS without islong');
      assert.equal(single.json.problems[0]?.code, 'too-long');
      const refused = await operator.post('send', {
        appId,
        mobiles: '13800138001',
        content: text,
        idempotencyKey: 'too-long-0001',
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.json.code, 'SEND_TOO_LONG');
      assert.equal(await getBalance(platform.handle.db, appId), 100, 'nothing charged by previews');
      assert.equal(rig.sim.stats().submits, 0);
    });

    await t.test('an .xlsx batch with per-row variables is delivered with each row’s text', async () => {
      const data = await xlsxBase64([
        ['mobile', 'name', 'amount'],
        [13800138011, '张三', '1200.00'],
        ['13900139012', '李四', 980.5],
        ['13300133013', '', '10'],
        ['bad-number', '赵六', '1'],
        ['18600186014', '王五', '66'],
      ]);
      const body = {
        appId,
        file: { name: '十二月待遇.xlsx', data },
        content: '{name}您好，您本月养老金{amount}元已发放。',
      };
      const preview = await operator.post<Preview>('send/preview', body);
      assert.equal(preview.status, 200, JSON.stringify(preview.json));
      assert.deepEqual(sendPreview.parse(preview.json), preview.json, 'the contract, nothing more');
      assert.deepEqual(
        preview.json.problems.map((x) => [x.line, x.code]),
        [
          [4, 'missing-variable'],
          [5, 'invalid-mobile'],
        ],
      );
      assert.equal(preview.json.recipients.valid, 3);
      assert.equal(preview.json.distinctTexts, 3);
      assert.equal(preview.json.cost, 3);

      const sent = await operator.post<Submitted>('send', { ...body, idempotencyKey: 'xlsx-batch-0001' });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      assert.deepEqual(sendOutcome.parse(sent.json), sent.json, 'the contract, nothing more');
      assert.equal(sent.json.accepted, 3);
      assert.equal(sent.json.invalid, 2);
      assert.equal(sent.json.charged, 3);
      assert.equal(sent.json.batchCount, 3, 'one admission request per distinct text');

      const progress = await waitFinal(operator, appId, 'xlsx-batch-0001');
      assert.deepEqual(progress.byStatus, { DELIVERED: 3 });
      const texts = ['13800138011', '13900139012', '18600186014'].map((m) =>
        rig.sim.inbox(m).map((e) => e.text),
      );
      assert.deepEqual(texts, [
        ['【人社局】张三您好，您本月养老金1200.00元已发放。'],
        ['【人社局】李四您好，您本月养老金980.5元已发放。'],
        ['【人社局】王五您好，您本月养老金66元已发放。'],
      ]);
      assert.equal(rig.sim.inbox('13300133013').length, 0);
      assert.equal(await getBalance(platform.handle.db, appId), 97);

      const [entry] = await searchAudit(
        platform.handle.db,
        { kind: 'operation', actionContains: 'send' },
        0,
        1,
      );
      assert.ok(entry, 'an operation entry for the send');
      assert.equal(entry.actor, 'op.zhang');
      assert.equal(entry.target, 'app:hrss');
      const detail = entry.detail;
      assert.match(detail, /十二月待遇\.xlsx/);
      assert.match(detail, /"accepted":3/);
      assert.doesNotMatch(detail, /1380013|1390013|1860018/, 'no numbers in the audit log');
    });

    await t.test('the example workbook reads back as a batch file', async () => {
      const res = await operator.fetch('send/example.xlsx');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition') ?? '', /send-example\.xlsx/);
      const file = await readBatchFile(
        'send-example.xlsx',
        Buffer.from(await res.arrayBuffer()).toString('base64'),
      );
      assert.deepEqual(file.columns, ['name', 'amount']);
      assert.deepEqual(
        file.rows.map((r) => r.mobile),
        ['13800138000', '13900139000'],
      );
    });

    await t.test('a second submit with the same key replays and sends nothing', async () => {
      const body = {
        appId,
        mobiles: '13800138021\n13800138022',
        content: '请于本月底前完成年度认证。',
        idempotencyKey: 'double-click-01',
      };
      const [a, b] = await Promise.all([
        operator.post<Submitted>('send', body),
        operator.post<Submitted>('send', body),
      ]);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      const again = await operator.post<Submitted>('send', body);
      assert.equal(again.json.replayed, true);
      assert.deepEqual(sendOutcome.parse(again.json), again.json, 'a replay: the same contract');
      const progress = await waitFinal(operator, appId, 'double-click-01');
      assert.equal(progress.total, 2);
      assert.equal(rig.sim.inbox('13800138021').length, 1);
      assert.equal(rig.sim.inbox('13800138022').length, 1);
      assert.equal(await getBalance(platform.handle.db, appId), 95, 'charged once');
    });

    await t.test('an approved template with variables, and a pending one is refused', async () => {
      const approved = await createTemplate(platform.handle.db, platform.ids, {
        appId,
        name: '认证提醒',
        content: '{name}，请于{date}前完成认证。',
        status: 'approved',
      });
      const pending = await createTemplate(platform.handle.db, platform.ids, {
        appId: null,
        name: '待审',
        content: '待审模板',
        status: 'pending',
      });
      const list = await operator.get<{ templates: { id: number }[] }>(`send/templates?appId=${appId}`);
      assert.deepEqual(
        list.json.templates.map((x) => x.id),
        [approved.id],
        'only approved templates are offered',
      );
      const refused = await operator.post('send/preview', {
        appId,
        mobiles: '13800138031',
        templateId: pending.id,
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.json.code, 'TEMPLATE_NOT_APPROVED');
      const sent = await operator.post<Submitted>('send', {
        appId,
        mobiles: '13800138031',
        templateId: approved.id,
        params: { name: '陈七', date: '12月31日' },
        idempotencyKey: 'template-0001',
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      await waitFinal(operator, appId, 'template-0001');
      assert.deepEqual(
        rig.sim.inbox('13800138031').map((e) => e.text),
        ['【人社局】陈七，请于12月31日前完成认证。'],
      );
    });

    await t.test('a batch over the review threshold is HELD until a reviewer approves it', async () => {
      const body = {
        appId,
        mobiles: '13800138051,13800138052,13800138053,13800138054',
        content: '您的社保缴费基数已调整，详情请登录网上服务大厅查询。',
      };
      const preview = await operator.post<Preview>('send/preview', body);
      assert.deepEqual(preview.json.review, { required: true, threshold: 3 });
      const sent = await operator.post<Submitted & { held: number }>('send', {
        ...body,
        idempotencyKey: 'big-batch-0001',
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      assert.equal(sent.json.accepted, 4);
      assert.equal(sent.json.held, 4);
      const { reviewId } = sent.json.review;
      assert.ok(reviewId !== null);
      const review = await findReview(platform.handle.db, reviewId);
      assert.ok(review);
      assert.equal(review.kind, 'batch-size');
      assert.equal(review.requestedBy, 'op.zhang');
      assert.equal(review.messageCount, 4);
      const held = await operator.get<Progress>(`send/status?appId=${appId}&key=big-batch-0001`);
      assert.deepEqual(held.json.byStatus, { HELD: 4 });
      assert.equal(held.json.final, false);
      assert.equal(rig.sim.inbox('13800138051').length, 0, 'nothing leaves before the review');

      const decided = await approveReview(platform.handle.db, {
        reviewId,
        by: 'rv.li',
        note: null,
        now: Date.now(),
      });
      assert.deepEqual(decided, { kind: 'decided', messages: 4 });
      const progress = await waitFinal(operator, appId, 'big-batch-0001');
      assert.deepEqual(progress.byStatus, { DELIVERED: 4 });
      assert.equal(rig.sim.inbox('13800138054').length, 1);
    });

    await t.test('the preview names sensitive words; a blocked text is not sent', async () => {
      const { db } = platform.handle;
      await addSensitiveWord(
        db,
        platform.ids,
        { word: '代办证件', action: 'block', note: null, by: 'sec' },
        Date.now(),
      );
      await addSensitiveWord(
        db,
        platform.ids,
        { word: '退费', action: 'review', note: null, by: 'sec' },
        Date.now(),
      );
      platform.sensitiveWords.invalidate();
      const preview = await operator.post<Preview & { words: { block: string[]; review: string[] } }>(
        'send/preview',
        { appId, mobiles: '13800138061', content: '可代 办证件，另有退费通知。' },
      );
      assert.equal(preview.status, 200, JSON.stringify(preview.json));
      assert.deepEqual(preview.json.words, { block: ['代办证件'], review: ['退费'] });
      const sent = await operator.post<Submitted & { notSent: number; refusedWords: string[] }>('send', {
        appId,
        mobiles: '13800138061',
        content: '可代 办证件，另有退费通知。',
        idempotencyKey: 'blocked-words-01',
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.json));
      assert.equal(sent.json.accepted, 0);
      assert.equal(sent.json.notSent, 1);
      assert.deepEqual(sent.json.refusedWords, ['代办证件']);
      assert.equal(rig.sim.inbox('13800138061').length, 0);
    });

    await t.test('a reviewer cannot send; insufficient balance sends nothing', async () => {
      const denied = await reviewer.post('send', {
        appId,
        mobiles: '13800138041',
        content: '测试',
        idempotencyKey: 'reviewer-0001',
      });
      assert.equal(denied.status, 403);
      assert.equal((await reviewer.get('send/apps')).status, 403);
      const many = Array.from({ length: 120 }, (_, i) => `139${String(10000000 + i)}`).join('\n');
      const poor = await operator.post('send', {
        appId,
        mobiles: many,
        content: '余额测试',
        idempotencyKey: 'balance-0001',
      });
      assert.equal(poor.status, 409);
      assert.equal(poor.json.code, 'SEND_BALANCE');
      const progress = await operator.get<Progress>(`send/status?appId=${appId}&key=balance-0001`);
      assert.equal(progress.json.total, 0);
    });
  });
}

test('batch files: a GB 18030 .csv from Chinese Excel, quoted fields, unreadable lines and a missing mobile column', async () => {
  const csv = 'mobile,name\r\n13800138000,"张,三"\r\n13900139000,李"四\r\n\r\n18600186000,王五\r\n';
  const gbk = Buffer.from(
    // GB 18030 bytes of the text above, as TextEncoder cannot write them: 张 D5C5, 三 C8FD, 李 C0EE, 四 CBC4, 王 CDF5, 五 CEE5.
    csv.replace(
      /[张三李四王五]/g,
      (c) =>
        ({ 张: '\xd5\xc5', 三: '\xc8\xfd', 李: '\xc0\xee', 四: '\xcb\xc4', 王: '\xcd\xf5', 五: '\xce\xe5' })[
          c
        ] ?? c,
    ),
    'latin1',
  );
  for (const bytes of [Buffer.from(csv, 'utf8'), gbk]) {
    const file = await readBatchFile('名单.csv', bytes.toString('base64'));
    assert.deepEqual(file.columns, ['name']);
    assert.deepEqual(
      file.rows.map((r) => [r.line, r.mobile, r.values.name]),
      [
        [2, '13800138000', '张,三'],
        [5, '18600186000', '王五'],
      ],
    );
    assert.deepEqual(
      file.problems.map((p) => p.line),
      [3],
    );
  }
  await assert.rejects(
    readBatchFile('x.csv', Buffer.from('name,amount\n张三,1\n').toString('base64')),
    (err) => {
      assert.ok(err instanceof ConsoleError);
      assert.equal(err.body.code, 'SEND_BAD_FILE');
      return true;
    },
  );
  const plan = planSend(
    {
      app: {
        id: 1,
        name: 'a',
        passwordHash: '',
        ipWhitelist: [],
        balance: 0,
        signature: '【人社局】',
        extCode: '',
        status: 'active',
        reportUrl: null,
        replyUrl: null,
        callbackSecretEnc: null,
        authMode: 'whitelist',
        certFingerprint: null,
        certSubject: null,
        certNotAfter: null,
        updatedAt: 0,
        province: null,
      },
      content: '{name}您好',
      params: {},
      islong: false,
      pasted: null,
      file: await readBatchFile('名单.csv', Buffer.from(csv, 'utf8').toString('base64')),
    },
    { maxSegments: 10, profilesFor: () => ['cn'] },
  );
  assert.deepEqual(
    plan.problems.map((p) => [p.line, p.code]),
    [[3, 'unreadable']],
  );
  assert.deepEqual(
    plan.groups.map((g) => g.content),
    ['张,三您好', '王五您好'],
  );
});
