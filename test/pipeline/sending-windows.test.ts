/**
 * Sending windows (docs/design.md §5): quiet hours hold notices and surveys until the window ends while
 * results go at once; the same content to a number within the window goes once; a daily cap per
 * number. Through the interface to the simulator's handsets, on both databases. The platform runs
 * on a clock set to the morning's quiet hours and moved forward by the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBeijing, toBeijing } from '../../src/domain/beijing-time.js';
import { quietWindow } from '../../src/domain/quiet-hours.js';
import { admitGroup, type PreparedAdmission } from '../../src/store/admission.js';
import { getBalance } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

interface SendAnswer {
  code: number;
  charged: number;
  notBefore?: string;
  heldByQuietHours?: boolean;
  msgIds: { mobile: string; msgId: string; status: string; stat?: string }[];
}

async function send(tp: TestPlatform, body: Record<string, unknown>): Promise<SendAnswer> {
  const r = await tp.post('/api/sms/send', { appName: tp.appName, password: tp.password, ...body });
  assert.equal(r.json.code, 1, JSON.stringify(r.json));
  return r.json as unknown as SendAnswer;
}

const texts = (tp: TestPlatform, mobile: string): string[] => tp.sim.inbox(mobile).map((m) => m.text);

/** The next Beijing 07:00 from now, as epoch ms. */
function nextBeijingSeven(): number {
  const c = toBeijing(Date.now());
  const today = fromBeijing({ year: c.year, month: c.month, day: c.day, hour: 7, minute: 0, second: 0 })!;
  return today > Date.now() ? today : today + 24 * 3600 * 1000;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: quiet hours hold notices and surveys until the window ends; results go at once`, async (t) => {
    // The platform's clock runs with the real one from 07:00 Beijing time; the test moves it on.
    const seven = nextBeijingSeven();
    let offset = seven - Date.now();
    const tp = await startTestPlatform(dialect, {
      now: () => Date.now() + offset,
      config: { sending: { quietHours: { start: '21:00', end: '08:00' } } },
    });
    t.after(() => tp.close());
    const db = tp.platform.handle.db;
    const eight = seven + 3600 * 1000;

    const notice = await send(tp, { mobiles: '13800138000', content: '您的养老金已发放。' });
    assert.deepEqual(
      notice.msgIds.map((m) => m.status),
      ['QUEUED'],
    );
    assert.equal(notice.notBefore, `${new Date(eight + 8 * 3600 * 1000).toISOString().slice(0, 19)}+08:00`);
    assert.match(notice.notBefore, /T08:00:00\+08:00$/);
    assert.equal(notice.heldByQuietHours, true);
    assert.equal(notice.charged, 1, 'held, not blocked: charged like any message');

    const survey = await send(tp, { mobiles: '13900139000', content: '满意请回1', category: 'survey' });
    assert.equal(survey.heldByQuietHours, true);
    assert.equal(survey.notBefore, notice.notBefore);

    const result = await send(tp, {
      mobiles: '13800138000',
      content: '您的申请已办结。',
      category: 'result',
    });
    assert.equal(result.heldByQuietHours, undefined);
    const resultAt = Date.parse(String(result.notBefore));
    assert.ok(resultAt >= seven && resultAt < eight, 'a result goes now');

    // A sendTime inside the window waits for its end too (07:30 → 08:00).
    const scheduled = await send(tp, {
      mobiles: '13700137000',
      content: '定时通知',
      sendTime: new Date(seven + 1800 * 1000).toISOString(),
    });
    assert.equal(scheduled.notBefore, notice.notBefore);
    // A sendTime after the window is kept as it is.
    const later = await send(tp, {
      mobiles: '13700137000',
      content: '定时通知二',
      sendTime: new Date(eight + 1800 * 1000).toISOString(),
    });
    assert.equal(later.heldByQuietHours, undefined);
    assert.match(String(later.notBefore), /T08:30:00\+08:00$/);

    // The result was queued after the notice, yet arrives while the notice waits.
    await eventually(() => (texts(tp, '13800138000').length > 0 ? true : undefined), 20_000, 'the result');
    assert.deepEqual(texts(tp, '13800138000'), ['【人社局】您的申请已办结。']);
    assert.deepEqual(texts(tp, '13900139000'), []);
    const held = await db
      .selectFrom('messages')
      .select(['id', 'status', 'not_before'])
      .where('id', 'in', [Number(notice.msgIds[0]?.msgId), Number(survey.msgIds[0]?.msgId)])
      .execute();
    assert.deepEqual(
      held.map((m) => [m.status, m.not_before]),
      [
        ['QUEUED', eight],
        ['QUEUED', eight],
      ],
    );

    // 08:00 passes: the window opens and the held messages go.
    offset = eight + 200 - Date.now();
    tp.platform.dispatcher.wake();
    await eventually(
      () =>
        texts(tp, '13800138000').length === 2 && texts(tp, '13900139000').length === 1 ? true : undefined,
      20_000,
      'the held notice and survey',
    );
    assert.deepEqual(
      texts(tp, '13800138000').sort(),
      ['【人社局】您的养老金已发放。', '【人社局】您的申请已办结。'].sort(),
    );
    await eventually(
      () => (texts(tp, '13700137000').length === 1 ? true : undefined),
      20_000,
      'the scheduled one',
    );
    assert.deepEqual(texts(tp, '13700137000'), ['【人社局】定时通知']);
  });

  test(`${dialect}: the same content to a number within the window is BLOCKED DUPLICATE and not charged`, async (t) => {
    const tp = await startTestPlatform(dialect, { app: { balance: 100 } });
    t.after(() => tp.close());
    const db = tp.platform.handle.db;
    const content = '请于本月底前缴纳城乡居民医保费。';

    const first = await send(tp, { mobiles: '13800138000,13900139000', content });
    assert.equal(first.charged, 2);
    const again = await send(tp, { mobiles: '13800138000,13700137000', content });
    assert.deepEqual(
      again.msgIds.map((m) => [m.mobile, m.status, m.stat]),
      [
        ['13800138000', 'BLOCKED', 'DUPLICATE'],
        ['13700137000', 'QUEUED', undefined],
      ],
    );
    assert.equal(again.charged, 1, 'the duplicate is not charged');

    // Two identical requests in flight together: one goes (same group or not).
    const [x, y] = await Promise.all([
      send(tp, { mobiles: '13600136000', content }),
      send(tp, { mobiles: '13600136000', content }),
    ]);
    assert.deepEqual([x.msgIds[0]?.status, y.msgIds[0]?.status].sort(), ['BLOCKED', 'QUEUED']);

    // Other content, a result, or another app's notice are not duplicates.
    const other = await send(tp, { mobiles: '13800138000', content: `${content}（更正）` });
    assert.equal(other.msgIds[0]?.status, 'QUEUED');
    const result = await send(tp, { mobiles: '13800138000', content, category: 'result' });
    assert.equal(result.msgIds[0]?.status, 'QUEUED');
    await createTestApp(db, 'other', { balance: 10 });
    const otherApp = await tp.post('/api/sms/send', {
      appName: 'other',
      password: tp.password,
      mobiles: '13800138000',
      content,
    });
    assert.equal((otherApp.json as unknown as SendAnswer).msgIds[0]?.status, 'QUEUED');

    assert.equal(
      (await tp.post('/api/sms/balance', { appName: tp.appName, password: tp.password })).json.balance,
      100 - 2 - 1 - 1 - 1 - 1,
    );
    const dupId = again.msgIds[0]?.msgId;
    const reports = await eventually(async () => {
      const r = await tp.post('/api/sms/reports', { appName: tp.appName, password: tp.password });
      const list = r.json.reports as { msgId: string; status: string; stat: string }[];
      return list.find((m) => m.msgId === dupId) ? list : undefined;
    });
    assert.deepEqual(
      reports.filter((m) => m.msgId === dupId).map((m) => [m.status, m.stat]),
      [['BLOCKED', 'DUPLICATE']],
    );
    await eventually(
      () => (texts(tp, '13800138000').length === 4 ? true : undefined),
      20_000,
      'four messages',
    );
    assert.equal(
      texts(tp, '13800138000').filter((m) => m === `【人社局】${content}`).length,
      3,
      'ours once, the result, the other app',
    );
    await eventually(() => (texts(tp, '13600136000').length === 1 ? true : undefined));
    const row = await db
      .selectFrom('messages')
      .select(['status', 'stat', 'charged'])
      .where('id', '=', Number(dupId))
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'BLOCKED', stat: 'DUPLICATE', charged: 0 });
  });

  test(`${dialect}: at most N notices and surveys per number per Beijing day (FREQUENCY)`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      app: { balance: 100 },
      config: { sending: { frequency: { maxPerNumberPerDay: 2, identicalContentWindowMinutes: 0 } } },
    });
    t.after(() => tp.close());
    const one = await send(tp, { mobiles: '13800138000', content: '通知一' });
    // Window 0: the same content twice is allowed.
    const two = await send(tp, { mobiles: '13800138000', content: '通知一', category: 'survey' });
    assert.deepEqual([one.msgIds[0]?.status, two.msgIds[0]?.status], ['QUEUED', 'QUEUED']);
    const three = await send(tp, { mobiles: '13800138000,13900139000', content: '通知三' });
    assert.deepEqual(
      three.msgIds.map((m) => [m.mobile, m.status, m.stat]),
      [
        ['13800138000', 'BLOCKED', 'FREQUENCY'],
        ['13900139000', 'QUEUED', undefined],
      ],
    );
    assert.equal(three.charged, 1);
    // Results are not counted or capped.
    const result = await send(tp, { mobiles: '13800138000', content: '办结', category: 'result' });
    assert.equal(result.msgIds[0]?.status, 'QUEUED');
    // Tomorrow (Beijing) is a new day.
    const c = toBeijing(Date.now());
    const tomorrowNoon =
      fromBeijing({ year: c.year, month: c.month, day: c.day, hour: 12, minute: 0, second: 0 })! +
      24 * 3600 * 1000;
    const tomorrow = await send(tp, {
      mobiles: '13800138000',
      content: '通知四',
      sendTime: new Date(tomorrowNoon).toISOString(),
    });
    assert.equal(tomorrow.msgIds[0]?.status, 'QUEUED');
    await eventually(
      () => (texts(tp, '13800138000').length === 3 ? true : undefined),
      20_000,
      'three messages',
    );
    assert.deepEqual(
      texts(tp, '13800138000').sort(),
      ['【人社局】办结', '【人社局】通知一', '【人社局】通知一'].sort(),
    );
  });

  test(`${dialect}: a request refused for its balance does not count against the numbers`, async () => {
    const store = await openTestStore(dialect);
    try {
      const poor = await createTestApp(store.db, 'poor', { balance: 0 });
      const rich = await createTestApp(store.db, 'rich', { balance: 10 });
      const ids = new IdAllocator(store.db);
      const now = Date.UTC(2026, 10, 28, 4, 0);
      const request = (appId: number, content: string): PreparedAdmission => ({
        appId,
        clientMsgId: null,
        signature: '【人社局】',
        content,
        srcExt: '',
        islong: false,
        category: 'notice',
        sendAt: null,
        recipients: [{ mobile: '13800138000', carrier: 'cmcc', segments: 1 }],
      });
      const rules = {
        quietHours: quietWindow({ start: '21:00', end: '08:00' }),
        frequency: { identicalContentWindowMs: 3600_000, maxPerNumberPerDay: 1 },
      };
      const [refused, taken, capped] = await admitGroup(
        store.db,
        store.caps,
        ids,
        [request(poor.id, 'a'), request(rich.id, 'b'), request(rich.id, 'c')],
        now,
        rules,
      );
      assert.equal(refused?.kind, 'insufficient');
      assert.equal(taken?.kind, 'accepted');
      assert.equal(taken.answer.msgIds[0]?.status, 'QUEUED');
      assert.equal(capped?.kind, 'accepted');
      assert.equal(capped.answer.msgIds[0]?.stat, 'FREQUENCY');
      assert.equal(await getBalance(store.db, rich.id), 9);
      // The next group sees the committed one: 'b' again is a duplicate.
      const [dup] = await admitGroup(store.db, store.caps, ids, [request(rich.id, 'b')], now + 60_000, rules);
      assert.equal(dup?.kind, 'accepted');
      assert.equal(dup.answer.msgIds[0]?.stat, 'DUPLICATE');
    } finally {
      await store.drop();
    }
  });
}
