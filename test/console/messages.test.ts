/**
 * The message search API on both databases: filters and keyset pages over messages sent through the
 * simulator, a message's parts with the carrier's DELIVRD, an audited unmask (the number never in
 * the log), and a CSV export whose progress reaches its total and whose file holds every matching
 * row with masked numbers. Through `inject()`; every answer is exactly its contract
 * (contract/messages.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  messageDetail,
  messagesAnswer,
  type ExportJob as Job,
  type MessageDetail as Detail,
  type MessagesAnswer as Page,
} from '../../src/console/contract/messages.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { DIALECTS } from '../helpers/databases.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const MOBILES = ['13800138011', '13800138012', '13900139013', '13012340014', '18612340015'];

for (const dialect of DIALECTS) {
  test(`${dialect}: console message search — filters, pages, parts, unmask, CSV export`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    const operator = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'op.zhao', ['operator']),
    );
    const creds = { appName: rig.appName, password: rig.password };

    const short = await rig.post('/api/sms/send', {
      ...creds,
      mobiles: MOBILES,
      content: '=请按时缴纳养老保险。',
    });
    assert.equal(short.json.code, 1, JSON.stringify(short.json));
    const long = await rig.post('/api/sms/send', {
      ...creds,
      mobiles: ['13700137016'],
      content: '根据《社会保险法》规定，'.repeat(12),
      islong: 1,
    });
    assert.equal(long.json.code, 1, JSON.stringify(long.json));
    const longId = (long.json.msgIds as { msgId: string }[])[0]?.msgId ?? '';
    const shortBatch = short.json.batchId as string;

    const all = await eventually(
      async () => {
        const res = await operator.get<Page>('messages?limit=50');
        assert.equal(res.status, 200, JSON.stringify(res.json));
        if (res.json.rows.length !== 6 || !res.json.rows.every((r) => r.status === 'DELIVERED'))
          return undefined;
        assert.deepEqual(messagesAnswer.parse(res.json), res.json, 'the contract, nothing more');
        return res.json.rows;
      },
      20_000,
      'six delivered messages',
    );
    const [newest, second] = all;
    assert.ok(newest && second);
    assert.equal(newest.msgId, longId, 'newest first');
    assert.equal(newest.segments, 3);
    assert.ok(
      all.every((r) => /^1\d{2}\*{4}\d{4}$/.test(r.mobile)),
      'numbers masked',
    );
    assert.equal(second.content, '【人社局】=请按时缴纳养老保险。', 'signature and text');
    assert.equal(second.app, 'hrss');
    assert.equal(second.stat, 'DELIVRD');

    await t.test('filters', async () => {
      const byMobile = await operator.get<Page>('messages?mobile=%2B86%20139%200013%209013');
      assert.deepEqual(
        byMobile.json.rows.map((r) => r.mobile),
        ['139****9013'],
      );
      const byCarrier = await operator.get<Page>('messages?carrier=cucc');
      assert.equal(byCarrier.json.rows.length, 2);
      const byBatch = await operator.get<Page>(`messages?batchId=${shortBatch}`);
      assert.equal(byBatch.json.rows.length, 5);
      const byId = await operator.get<Page>(`messages?msgId=${longId}`);
      assert.deepEqual(
        byId.json.rows.map((r) => r.msgId),
        [longId],
      );
      const byApp = await operator.get<Page>('messages?app=hrss&status=DELIVERED');
      assert.equal(byApp.json.rows.length, 6);
      const none = await operator.get<Page>('messages?status=FAILED');
      assert.equal(none.json.rows.length, 0);
      const future = new Date(Date.now() + 3600_000).toISOString();
      const later = await operator.get<Page>(`messages?from=${encodeURIComponent(future)}`);
      assert.equal(later.json.rows.length, 0, 'nothing created after an hour from now');
      const bad = await operator.get('messages?mobile=12345');
      assert.equal(bad.status, 400);
    });

    await t.test('keyset pages, newest first, each message once', async () => {
      const seen: string[] = [];
      let after = '';
      for (let i = 0; i < 10; i += 1) {
        const res = await operator.get<Page>(`messages?limit=4${after ? `&after=${after}` : ''}`);
        seen.push(...res.json.rows.map((r) => r.msgId));
        if (!res.json.next) break;
        after = res.json.next;
      }
      assert.deepEqual(
        seen,
        all.map((r) => r.msgId),
      );
    });

    await t.test('a long message has its three parts, each DELIVRD, and a report', async () => {
      const res = await operator.get<Detail>(`messages/${longId}`);
      assert.equal(res.status, 200);
      assert.deepEqual(messageDetail.parse(res.json), res.json);
      assert.deepEqual(
        res.json.parts.map((p) => [p.partNo, p.total, p.stat]),
        [
          [1, 3, 'DELIVRD'],
          [2, 3, 'DELIVRD'],
          [3, 3, 'DELIVRD'],
        ],
      );
      assert.ok(res.json.parts.every((p) => p.carrierMsgId !== ''));
      assert.equal(res.json.report?.status, 'DELIVERED');
      assert.equal((await operator.get('messages/999999999')).status, 404);
    });

    await t.test('unmasking returns the number and is audited without it', async () => {
      const res = await operator.post<{ mobile: string }>(`messages/${longId}/unmask`);
      assert.equal(res.status, 200);
      assert.equal(res.json.mobile, '13700137016');
      const [entry] = await searchAudit(
        rig.platform.handle.db,
        { kind: 'data', actionContains: 'unmask' },
        0,
        1,
      );
      assert.ok(entry, 'a data entry');
      assert.equal(entry.actor, 'op.zhao');
      assert.equal(entry.target, longId);
      assert.doesNotMatch(JSON.stringify(entry), /13700137016/);
    });

    await t.test('a CSV export writes every matching row and reports its progress', async () => {
      const started = await operator.post<{ id: string; total: number }>('messages/exports', {
        app: 'hrss',
        mobile: '',
        status: 'DELIVERED',
      });
      assert.equal(started.status, 202, JSON.stringify(started.json));
      assert.equal(started.json.total, 6);
      const job = await eventually(
        async () => {
          const res = await operator.get<Job>(`messages/exports/${started.json.id}`);
          assert.equal(res.status, 200);
          return res.json.state === 'done' ? res.json : undefined;
        },
        10_000,
        'export done',
      );
      assert.equal(job.written, job.total);
      assert.equal(job.total, 6);
      const file = await operator.fetch(`messages/exports/${started.json.id}/download`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-type') ?? '', /text\/csv/);
      const bytes = Buffer.from(await file.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      assert.equal(lines.length, 7, 'header and six rows');
      assert.match(lines[0] ?? '', /^短信ID,批次ID,业务系统/);
      for (const m of [...MOBILES, '13700137016']) {
        assert.ok(!lines.join('\n').includes(m), `${m} not whole in the file`);
        assert.ok(
          lines.some((l) => l.includes(`${m.slice(0, 3)}****${m.slice(7)}`)),
          `${m} masked`,
        );
      }
      assert.ok(
        lines.some((l) => l.includes(',【人社局】=请按时缴纳养老保险。,')),
        'signature and text in one cell',
      );
      const [entry] = await searchAudit(
        rig.platform.handle.db,
        { kind: 'data', actionContains: 'export.messages' },
        0,
        1,
      );
      assert.ok(entry);
      assert.match(entry.detail, /"rows":6/);
      assert.match(entry.detail, /"status":"DELIVERED"/);
      assert.equal((await operator.fetch('messages/exports/nope/download')).status, 404);
    });

    await t.test('a case handler reads messages but not the dashboard', async () => {
      const handler = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'case.qian', ['case-handler']),
      );
      assert.equal((await handler.get<Page>('messages')).status, 200);
      assert.equal((await handler.get('stats/dashboard')).status, 403);
    });
  });
}
