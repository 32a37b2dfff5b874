/**
 * Federation end to end (standard §5.2 b, docs/federation.md): the ministry platform on PostgreSQL,
 * province 21 on SQLite and province 46 on PostgreSQL, each with its own carrier simulator, on one
 * machine. A province-21 business system sends to a 21 number, a 46 number and a number of unknown
 * province: the 46 number leaves by the ministry's carrier link, the others by province 21's own;
 * all three reports reach the business system as DELIVERED, by pull and by its signed push
 * callback (docs/callbacks.md). A 46 citizen answers a
 * province-21 survey through the ministry and the answer counts in province 21. The ministry goes
 * down: province 21 keeps the messages queued, and once it is back they go and their reports
 * catch up.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/bench/processes.js';
import { TEST_PASSWORD_HASH } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';
import { addProvinceAccounts, ministryLink, writeSegments } from '../helpers/federation.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { stringify } from 'yaml';
import { runSurvey } from '../../src/cli/survey.js';
import { runCaptured } from '../helpers/cli.js';
import { upsertApp } from '../../src/store/apps.js';
import { provinceVolume } from '../../src/store/console-stats.js';
import { countMessages } from '../../src/store/message-search.js';
import { IdAllocator } from '../../src/store/ids.js';

const SP = '1065712333';
const LN = '13900210001'; // Liaoning (21)
const HN = '13900460001'; // Hainan (46)
const HN2 = '13900460002';
const HN3 = '13900460003';
const HN4 = '13900460004';
const UNKNOWN = '13800000001'; // no segment entry: stays local

test('one ministry, two provinces: cross-province sending, reports, survey answers, an outage', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'federation-'));
  const segments = writeSegments(dir);
  const ministryDb = await createTestDatabase('postgres');
  const ministryPort = await freePort();
  const startMinistry = (): Promise<TestPlatform> =>
    startTestPlatform('postgres', {
      databaseUrl: ministryDb.url,
      config: {
        platform: { role: 'ministry', province: '10', name: '人力资源和社会保障部' },
        interface: { host: '127.0.0.1', port: ministryPort },
        phoneData: { file: segments },
      },
    });
  let ministry = await startMinistry();
  const cleanup: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    await ministry.close().catch(() => undefined);
    await ministryDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  await addProvinceAccounts(ministry.platform.handle.db, ['21', '46']);

  const province = (dialect: 'sqlite' | 'postgres', code: string): Promise<TestPlatform> =>
    startTestPlatform(dialect, {
      config: {
        platform: { role: 'province', province: code },
        phoneData: { file: segments },
        citizen: { pollMs: 50, surveyApps: ['hrss'] },
        callbacks: { pollMs: 50 },
      },
      links: [{ id: 'ministry', gateway: ministryLink(`http://127.0.0.1:${ministryPort}`, `prov${code}`) }],
    });
  const p21 = await province('sqlite', '21');
  cleanup.push(() => p21.close());
  // Province 21's business system also takes its reports by push (docs/callbacks.md).
  const pushed = new Map<string, string>();
  const callbackSecret = 'federation-callback-secret';
  const badSignatures: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const timestamp = String(req.headers['x-sms12333-timestamp'] ?? '');
      const expected = `sha256=${createHmac('sha256', callbackSecret).update(`${timestamp}.${body}`).digest('hex')}`;
      if (req.headers['x-sms12333-signature'] !== expected) badSignatures.push(body);
      const parsed = JSON.parse(body) as { reports?: { msgId: string; status: string }[] };
      for (const r of parsed.reports ?? []) pushed.set(r.msgId, r.status);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => receiver.close(() => r())));
  await upsertApp(p21.platform.handle.db, new IdAllocator(p21.platform.handle.db, 10), p21.appName, {
    passwordHash: TEST_PASSWORD_HASH,
    reportUrl: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/reports`,
    callbackSecretEnc: p21.platform.citizens.cipher.encrypt(callbackSecret),
  });
  const p46 = await province('postgres', '46');
  cleanup.push(() => p46.close());
  // The helper starts a simulator per link; the ministry link does not use its own.
  const linked = (p: TestPlatform): Promise<true> =>
    eventually(
      () => (p.platform.router.byId('ministry')?.status().bound === 1 ? true : undefined),
      20_000,
      'ministry link',
    );
  await Promise.all([linked(p21), linked(p46)]);

  const send = async (
    p: TestPlatform,
    mobiles: string[],
    content: string,
    extra: Record<string, unknown> = {},
  ) => {
    const res = await p.post('/api/sms/send', {
      appName: p.appName,
      password: p.password,
      mobiles,
      content,
      ...extra,
    });
    assert.equal(res.json.code, 1, JSON.stringify(res.json));
    return (res.json.msgIds as { mobile: string; msgId: string }[]).map((m) => m.msgId);
  };
  const finals = new Map<string, string>();
  let cursor = '0';
  const pullUntil = async (p: TestPlatform, ids: string[]): Promise<void> => {
    await eventually(
      async () => {
        const res = await p.post('/api/sms/reports', { appName: p.appName, password: p.password, cursor });
        for (const r of res.json.reports as { msgId: string; status: string }[])
          finals.set(r.msgId, r.status);
        cursor = String(res.json.nextCursor);
        return ids.every((id) => finals.has(id)) ? true : undefined;
      },
      30_000,
      `reports for ${ids.join(',')}`,
    );
  };

  await t.test('21 → a 21 number, a 46 number, an unknown one: the 46 number by the ministry', async () => {
    const ids = await send(p21, [LN, HN, UNKNOWN], '您的社保卡已制作完成，请到社保中心领取。');
    await pullUntil(p21, ids);
    assert.deepEqual(
      ids.map((id) => finals.get(id)),
      ['DELIVERED', 'DELIVERED', 'DELIVERED'],
    );
    await eventually(() => (ids.every((id) => pushed.has(id)) ? true : undefined), 20_000, 'callbacks');
    assert.deepEqual(
      ids.map((id) => pushed.get(id)),
      ['DELIVERED', 'DELIVERED', 'DELIVERED'],
    );
    assert.deepEqual(badSignatures, []);
    const own21 = p21.sim;
    const ministrySim = ministry.sim;
    assert.equal(own21.inbox(LN).length, 1);
    assert.equal(own21.inbox(UNKNOWN).length, 1);
    assert.equal(own21.inbox(HN).length, 0, 'not by province 21 own carrier');
    const arrived = ministrySim.inbox(HN);
    assert.equal(arrived.length, 1);
    assert.equal(arrived[0]?.text, '【人社局】您的社保卡已制作完成，请到社保中心领取。');
    // Sender: the ministry's number, the province's extension on it, then province 21's own.
    assert.equal(arrived[0].from, `${SP}2101`);
    assert.equal(p46.sim.inbox(HN).length, 0);
    const row = await p21.platform.handle.db
      .selectFrom('messages')
      .select(['home_province', 'gateway_id'])
      .where('id', '=', Number(ids[1]))
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { home_province: '46', gateway_id: 'ministry' });
  });

  await t.test('46 → a 21 number goes by the ministry too', async () => {
    const [id] = await send(p46, [LN], '您的养老金已发放。');
    assert.ok(id);
    await eventually(() => (ministry.sim.inbox(LN).length === 1 ? true : undefined), 20_000, '46 → 21');
    assert.equal(ministry.sim.inbox(LN)[0]?.from, `${SP}4601`);
  });

  let surveyId = 0;
  await t.test('a 46 citizen answers a province-21 survey; it counts in 21', async () => {
    const api = async (path: string, body: Record<string, unknown>) =>
      (await p21.post(path, { appName: p21.appName, password: p21.password, ...body })).json;
    const created = await api('/api/survey/create', {
      name: '跨省满意度回访',
      intro: '您好，',
      thanks: '感谢参与！',
      questions: [{ text: '您对异地业务办理是否满意？', options: ['满意', '不满意'] }],
    });
    assert.equal(created.code, 1, JSON.stringify(created));
    surveyId = Number(created.surveyId);
    const sent = await api('/api/survey/send', { surveyId, mobiles: [HN2] });
    assert.equal(sent.code, 1, JSON.stringify(sent));
    const question = await eventually(() => ministry.sim.inbox(HN2)[0], 20_000, 'survey question');
    assert.match(question.text, /异地业务/);
    assert.match(question.from, new RegExp(`^${SP}21\\d+$`));
    await ministry.sim.injectMo({ from: HN2, to: question.from, text: '1' });
    const thanks = await eventually(() => ministry.sim.inbox(HN2)[1], 20_000, 'thanks');
    assert.match(thanks.text, /感谢参与/);
    const results = await api('/api/survey/results', { surveyId });
    assert.equal(results.code, 1, JSON.stringify(results));
    const targets = results.targets as { completed: number };
    const questions = results.questions as { answered: number; options: { code: string; count: number }[] }[];
    assert.equal(targets.completed, 1);
    const [first] = questions;
    assert.ok(first);
    assert.equal(first.answered, 1);
    assert.equal(first.options.find((o) => o.code === '1')?.count, 1);
    const uplink = await p21.platform.handle.db
      .selectFrom('uplink_messages')
      .select(['gateway_id', 'ext'])
      .where('mobile', '=', HN2)
      .executeTakeFirstOrThrow();
    assert.equal(uplink.gateway_id, 'ministry');
    assert.equal(question.from, `${SP}21${uplink.ext}`);
  });

  await t.test(
    '`sms12333 survey send` routes by the segment data too: a 46 number by the ministry',
    async () => {
      const config = join(dir, 'p21.yaml');
      writeFileSync(
        config,
        stringify({
          database: { url: p21.platform.config.database.url },
          platform: { role: 'province', province: '21' },
          phoneData: { file: segments },
          gateways: [ministryLink(`http://127.0.0.1:${ministryPort}`, 'prov21')],
          log: { level: 'silent' },
        }),
      );
      const mobiles = join(dir, 'mobiles.txt');
      writeFileSync(mobiles, `${HN4}\n`);
      const sent = await runCaptured(() =>
        runSurvey(['send', '--id', String(surveyId), '--mobiles-file', mobiles, '--config', config]),
      );
      assert.equal(sent.code, 0, sent.out);
      assert.match(sent.out, /排队 queued 1/);
      const question = await eventually(
        () => ministry.sim.inbox(HN4)[0],
        20_000,
        'survey question by the CLI',
      );
      assert.match(question.text, /异地业务/);
      const row = await p21.platform.handle.db
        .selectFrom('messages')
        .select(['home_province', 'gateway_id'])
        .where('mobile', '=', HN4)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { home_province: '46', gateway_id: 'ministry' });
    },
  );

  await t.test('the ministry counts and finds messages by province account', async () => {
    const db = ministry.platform.handle.db;
    const cells = await provinceVolume(db, 0, Date.now() + 1000);
    const sent = (p: string): number => cells.filter((c) => c.province === p).reduce((n, c) => n + c.n, 0);
    assert.equal(sent('21'), 4, 'the 46 number, the survey question and its thanks, the question by the CLI');
    assert.equal(sent('46'), 1);
    assert.equal(await countMessages(db, { province: '21' }), 4);
    assert.equal(await countMessages(db, { province: '46' }), 1);
  });

  await t.test(
    'refused account (code 6) and used-up balance (code 3) show on the link; nothing is lost',
    async () => {
      const db = ministry.platform.handle.db;
      const link = () => p46.platform.router.byId('ministry')?.status();
      await db.updateTable('apps').set({ status: 'frozen' }).where('name', '=', 'prov46').execute();
      await eventually(() => (link()?.state === 'refused' ? true : undefined), 10_000, 'refused');
      assert.match(link()?.lastError ?? '', /code 6/);
      await db
        .updateTable('apps')
        .set({ status: 'active', balance: 0 })
        .where('name', '=', 'prov46')
        .execute();
      await eventually(() => (link()?.state === 'paused' ? true : undefined), 10_000, 'paused');
      const [id] = await send(p46, [LN], '余额用尽时排队的通知。');
      await new Promise((r) => setTimeout(r, 300));
      const queued = await p46.platform.handle.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', Number(id))
        .executeTakeFirstOrThrow();
      assert.equal(queued.status, 'QUEUED');
      await db.updateTable('apps').set({ balance: 1000 }).where('name', '=', 'prov46').execute();
      await eventually(
        () => (ministry.sim.inbox(LN).some((m) => m.text.includes('余额用尽')) ? true : undefined),
        20_000,
        'sent after the top-up',
      );
    },
  );

  await t.test('the ministry down: messages wait queued; back: they go and reports catch up', async () => {
    await ministry.close();
    await eventually(
      () => (p21.platform.router.byId('ministry')?.status().bound === 0 ? true : undefined),
      10_000,
      'link down',
    );
    const ids = await send(p21, [HN3], '请于本月底前完成社保年度确认。');
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await p21.platform.handle.db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', Number(ids[0]))
      .executeTakeFirstOrThrow();
    assert.equal(waiting.status, 'QUEUED');
    ministry = await startMinistry();
    await pullUntil(p21, ids);
    assert.equal(finals.get(ids[0] ?? ''), 'DELIVERED');
    assert.equal(ministry.sim.inbox(HN3).length, 1);
  });
});
