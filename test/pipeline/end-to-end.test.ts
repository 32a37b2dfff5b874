/**
 * A business system's message, end to end: HTTP in, durable queue, CMPP 3.0 out to the simulator,
 * the delivery report back, and the final state pulled over the interface.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdAllocator } from '../../src/store/ids.js';
import { createTemplate } from '../../src/store/templates.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

async function finalReports(tp: TestPlatform, count: number): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  let cursor = '0';
  return eventually(
    async () => {
      const r = await tp.post('/api/sms/reports', { appName: tp.appName, password: tp.password, cursor });
      assert.equal(r.json.code, 1);
      seen.push(...(r.json.reports as Record<string, unknown>[]));
      cursor = String(r.json.nextCursor);
      return seen.length >= count ? seen : undefined;
    },
    20_000,
    `${count} reports`,
  );
}

for (const dialect of DIALECTS) {
  test(`${dialect}: messages travel to the handset and their reports come back`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      app: { balance: 1000, signature: '【人社局】', extCode: '01' },
    });
    t.after(() => tp.close());
    const creds = { appName: tp.appName, password: tp.password };

    const single = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '+86 138 0013 8000,8613800138000',
      content: '您的社保卡已制作完成。',
      extCode: '7',
    });
    assert.equal(single.json.code, 1, JSON.stringify(single.json));
    const ids = single.json.msgIds as { mobile: string; msgId: string; status: string }[];
    assert.deepEqual(
      ids.map((m) => [m.mobile, m.status]),
      [['13800138000', 'QUEUED']],
      'normalised and sent once',
    );
    assert.equal(single.json.charged, 1);

    const longText = '根据《社会保险法》规定，'.repeat(12);
    const long = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: ['13900139000'],
      content: longText,
      islong: '1',
    });
    assert.equal(long.json.code, 1);
    assert.equal(long.json.charged, 3, '5 + 144 UCS-2 units take three 67-unit segments');

    const inbox = await eventually(() => {
      const a = tp.sim.inbox('13800138000');
      const b = tp.sim.inbox('13900139000');
      return a.length > 0 && b.length > 0 ? { a, b } : undefined;
    });
    assert.equal(inbox.a[0]?.text, '【人社局】您的社保卡已制作完成。');
    assert.equal(inbox.a[0].from, '1065712333017', 'sender = spNumber + app ext + message ext');
    assert.equal(inbox.b[0]?.text, `【人社局】${longText}`);
    assert.equal(inbox.b[0].segments, 3);

    const reports = await finalReports(tp, 2);
    const byMobile = new Map(reports.map((r) => [r.mobile, r]));
    assert.equal(byMobile.get('13800138000')?.status, 'DELIVERED');
    assert.equal(byMobile.get('13800138000')?.stat, 'DELIVRD');
    assert.equal(byMobile.get('13800138000')?.msgId, ids[0]?.msgId);
    assert.match(String(byMobile.get('13800138000')?.doneTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.equal(byMobile.get('13900139000')?.status, 'DELIVERED');

    // The metrics listener shows the gateway up and what it carried.
    const metrics = await (await fetch(tp.platform.metricsUrl!)).text();
    assert.match(metrics, /sms12333_gateway_up\{gateway="cmcc-1",protocol="cmpp3"\} 1/);
    assert.match(metrics, /sms12333_gateway_accepted_parts_total\{gateway="cmcc-1",protocol="cmpp3"\} 4/);
    assert.match(metrics, /sms12333_gateway_reports_total\{gateway="cmcc-1",protocol="cmpp3"\} 4/);
    assert.match(metrics, /sms12333_messages_pending\{status="QUEUED"\} 0/);

    const balance = await tp.post('/api/sms/balance', creds);
    assert.equal(balance.json.balance, 1000 - 1 - 3);

    // A form body works the same way.
    const form = await tp.platform.interfaceApp!.inject({
      method: 'POST',
      url: '/api/sms/send',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...creds, mobiles: '13700137000', content: '表单提交' }).toString(),
      remoteAddress: '127.0.0.1',
    });
    assert.equal(form.json<{ code: number }>().code, 1);
    await eventually(() => (tp.sim.inbox('13700137000').length > 0 ? true : undefined));
  });

  test(`${dialect}: idempotent clientMsgId, unsubscribed numbers, failures and uplinks`, async (t) => {
    const tp = await startTestPlatform(dialect, { app: { balance: 100, extCode: '01' } });
    t.after(() => tp.close());
    const creds = { appName: tp.appName, password: tp.password };
    const db = tp.platform.handle.db;
    await db
      .insertInto('mobile_blocks')
      .values({ mobile: '13600136000', kind: 'TD', reason: null, created_at: Date.now() })
      .execute();

    const body = {
      ...creds,
      mobiles: '13800138000,13600136000',
      content: '缴费提醒',
      clientMsgId: 'order-42',
    };
    const first = await tp.post('/api/sms/send', body);
    const again = await tp.post('/api/sms/send', body);
    assert.equal(first.json.code, 1);
    assert.deepEqual(again.json.msgIds, first.json.msgIds);
    assert.equal(again.json.replayed, true);
    assert.deepEqual(
      (first.json.msgIds as { status: string }[]).map((m) => m.status),
      ['QUEUED', 'BLOCKED'],
    );
    assert.equal(first.json.charged, 1, 'the unsubscribed number is not charged');

    // A result (not a notice) still reaches the unsubscribed number.
    const result = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '13600136000',
      content: '您的申请已办结',
      category: 'result',
    });
    assert.deepEqual(
      (result.json.msgIds as { status: string }[]).map((m) => m.status),
      ['QUEUED'],
    );

    await eventually(() =>
      tp.sim.inbox('13600136000').length > 0 && tp.sim.inbox('13800138000').length > 0 ? true : undefined,
    );
    assert.equal(tp.sim.inbox('13800138000').length, 1, 'sent once despite the repeat');
    assert.equal(tp.sim.inbox('13600136000').length, 1, 'only the result');
    assert.equal(tp.sim.stats().duplicates, 0);

    tp.sim.configure({ failRate: 1 });
    const failing = await tp.post('/api/sms/send', { ...creds, mobiles: '13500135000', content: '一定失败' });
    const failId = (failing.json.msgIds as { msgId: string }[])[0]?.msgId;
    const reports = await eventually(async () => {
      const r = await tp.post('/api/sms/reports', { ...creds });
      const list = r.json.reports as { msgId: string; status: string; stat: string }[];
      return list.find((x) => x.msgId === failId) ? list : undefined;
    });
    const failed = reports.find((x) => x.msgId === failId);
    assert.equal(failed?.status, 'FAILED');
    assert.equal(failed.stat, 'UNDELIV');
    assert.ok(reports.some((x) => x.status === 'BLOCKED'));

    // An approved template is filled from params; a pending one is refused.
    const ids = new IdAllocator(db, 10);
    const approved = await createTemplate(db, ids, {
      appId: null,
      name: 'card',
      content: '{name}您好，您的社保卡已于{date}制作完成。',
      status: 'approved',
    });
    const pending = await createTemplate(db, ids, {
      appId: null,
      name: 'draft',
      content: '草稿{x}',
      status: 'pending',
    });
    const templated = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '13900139001',
      templateId: String(approved.id),
      params: { name: '张三', date: '11月28日' },
    });
    assert.equal(templated.json.code, 1, JSON.stringify(templated.json));
    const got = await eventually(() => tp.sim.inbox('13900139001')[0]);
    assert.equal(got.text, '【人社局】张三您好，您的社保卡已于11月28日制作完成。');
    const missingParam = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '13900139001',
      templateId: String(approved.id),
      params: { name: '张三' },
    });
    assert.equal(missingParam.json.code, 2);
    assert.equal(missingParam.json.field, 'params');
    const notApproved = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '13900139001',
      templateId: String(pending.id),
      params: { x: '1' },
    });
    assert.equal(notApproved.json.code, 2);
    assert.equal(notApproved.json.field, 'templateId');

    // A citizen answers to the app's extension: the uplink is stored and offered to that app.
    await tp.sim.injectMo({ from: '13800138000', to: '10657123330199', text: '收到，谢谢' });
    const replies = await eventually(async () => {
      const r = await tp.post('/api/sms/replies', { ...creds });
      const list = r.json.replies as { mobile: string; text: string; extCode: string; subExtCode: string }[];
      return list.length > 0 ? list : undefined;
    });
    // subExtCode: what follows the account's own extension code (01), as a push callback carries it too.
    assert.deepEqual(
      replies.map((r) => [r.mobile, r.text, r.extCode, r.subExtCode]),
      [['13800138000', '收到，谢谢', '0199', '99']],
    );

    // A long uplink arrives in segments and reaches the app whole.
    const long = '我想咨询一下养老保险关系转移接续的办理流程和所需材料，'.repeat(4);
    await tp.sim.injectMo({ from: '13700137000', to: '106571233301', text: long });
    const whole = await eventually(async () => {
      const r = await tp.post('/api/sms/replies', { ...creds, cursor: '1' });
      const list = r.json.replies as { mobile: string; text: string }[];
      return list.find((x) => x.mobile === '13700137000');
    });
    assert.equal(whole.text, long);
  });

  test(`${dialect}: scheduled messages wait; silent carriers end UNKNOWN at the deadline`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      simulator: { dlrDelayMs: 60_000 },
      config: { sending: { reportDeadlineSeconds: 1 } },
    });
    t.after(() => tp.close());
    const creds = { appName: tp.appName, password: tp.password };
    const at = Date.now() + 1500;
    const scheduled = await tp.post('/api/sms/send', {
      ...creds,
      mobiles: '13800138000',
      content: '定时',
      sendTime: new Date(at).toISOString(),
    });
    assert.equal(scheduled.json.code, 1);
    const id = Number((scheduled.json.msgIds as { msgId: string }[])[0]?.msgId);
    const row = await tp.platform.handle.db
      .selectFrom('messages')
      .select(['status', 'not_before'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'QUEUED');
    assert.equal(row.not_before, at);
    const received = await eventually(() => tp.sim.inbox('13800138000')[0]);
    assert.ok(Date.parse(received.receivedAt) >= at, 'not sent before its time');
    const unknown = await eventually(async () => {
      const r = await tp.platform.handle.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return r.status === 'UNKNOWN' ? r : undefined;
    });
    assert.equal(unknown.status, 'UNKNOWN');
  });
}
