/**
 * The ministry's push callbacks to a province's ministry link (docs/federation.md §4 "Push"):
 * province 21 registers its link's listener as its account's report and reply addresses on the
 * ministry. With the catch-up pulls off (`push.catchUpMs: 0`) a report and a citizen's reply reach
 * the province and its business system by push alone (no feed cursor moves); a callback with a
 * wrong, missing or stale signature is refused and stores nothing; a callback sent again — one
 * after another and two at once — applies once. With pulls on beside the pushes, every item comes
 * both ways and applies once. A push port another program holds: the link pulls meanwhile and
 * listens once the port is free. The ministry on PostgreSQL, the province on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { freePort } from '../../src/bench/processes.js';
import { signCallback } from '../../src/shared/callback-signature.js';
import { upsertApp } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import { TEST_PASSWORD_HASH } from '../helpers/apps.js';
import { createTestDatabase, DIALECTS, type DialectName } from '../helpers/databases.js';
import {
  addProvinceAccounts,
  hainan,
  ministryLink,
  startMinistry,
  writeSegments,
} from '../helpers/federation.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const SP = '1065712333';
const HN = '13900460001';
const SECRET = 'province-21-callback-secret-for-tests';

/**
 * The ministry (PostgreSQL, pushing to prov21's addresses) and province 21 (`dialect`) whose
 * ministry link listens for the pushes and pulls every `catchUpMs` (0: never).
 */
async function pushedFederation(
  t: TestContext,
  dialect: DialectName,
  catchUpMs: number,
  /** Runs before the province starts, e.g. to take its push port first. */
  before: (pushPort: number) => Promise<void> = () => Promise.resolve(),
) {
  const dir = mkdtempSync(join(tmpdir(), 'ministry-push-'));
  const segments = writeSegments(dir);
  const ministryDb = await createTestDatabase('postgres');
  const ministryPort = await freePort();
  const ministry = await startMinistry(ministryDb.url, ministryPort, segments, {
    config: { callbacks: { pollMs: 50 } },
  });
  t.after(async () => {
    await ministry.close();
    await ministryDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  // On the ministry, the province's account gets its link's listener as report and reply address.
  const pushPort = await freePort();
  const pushUrl = `http://127.0.0.1:${pushPort}`;
  const mdb = ministry.platform.handle.db;
  await addProvinceAccounts(mdb, ['21']);
  await upsertApp(mdb, new IdAllocator(mdb, 10), 'prov21', {
    passwordHash: TEST_PASSWORD_HASH,
    reportUrl: `${pushUrl}/ministry/reports`,
    replyUrl: `${pushUrl}/ministry/replies`,
    callbackSecretEnc: ministry.platform.citizens.cipher.encrypt(SECRET),
  });
  await before(pushPort);

  const p21 = await startTestPlatform(dialect, {
    config: { platform: { role: 'province', province: '21' }, phoneData: { file: segments } },
    links: [
      {
        id: 'ministry',
        gateway: {
          ...ministryLink(`http://127.0.0.1:${ministryPort}`, 'prov21'),
          push: { listenPort: pushPort, secret: SECRET, catchUpMs },
        },
      },
    ],
  });
  t.after(() => p21.close());
  const db = p21.platform.handle.db;
  const link = () => p21.platform.router.byId('ministry')?.status();
  await eventually(() => (link()?.bound === 1 ? true : undefined), 20_000, 'ministry link');
  const api = async (path: string, body: Record<string, unknown> = {}) =>
    (await p21.post(path, { appName: p21.appName, password: p21.password, ...body })).json;
  const cursorsMoved = async () =>
    db
      .selectFrom('federation_cursors')
      .select(['feed', 'cursor'])
      .where('gateway_id', '=', 'ministry')
      .execute();
  const push = (
    body: { appName?: unknown; reports?: unknown; replies?: unknown },
    headers: Record<string, string> = {},
  ) => {
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${pushUrl}/ministry/${body.reports ? 'reports' : 'replies'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-sms12333-timestamp': timestamp,
        'x-sms12333-signature': signCallback(SECRET, timestamp, raw),
        ...headers,
      },
      body: raw,
    });
  };

  return { ministry, db, link, api, cursorsMoved, push, pushUrl };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: reports and replies pushed by the ministry; bad signatures refused; a repeat applies once`, async (t) => {
    const { ministry, db, link, api, cursorsMoved, push, pushUrl } = await pushedFederation(t, dialect, 0);
    // 1. The report comes by push.
    const sent = await api('/api/sms/send', { mobiles: [HN], content: '请回复1确认参加培训。' });
    assert.equal(sent.code, 1, JSON.stringify(sent));
    const msgId = (sent.msgIds as { msgId: string }[])[0]?.msgId ?? '';
    const message = await eventually(() => ministry.sim.inbox(HN)[0], 20_000, 'the message at the ministry');
    assert.equal(message.from, `${SP}2101`);
    const report = await eventually(
      async () => {
        const res = await api('/api/sms/reports', { cursor: '0' });
        return (res.reports as { msgId: string; status: string }[]).find((r) => r.msgId === msgId);
      },
      20_000,
      'the report at the business system',
    );
    assert.equal(report.status, 'DELIVERED');

    // 2. A citizen's reply comes by push and reaches the business system by its extension.
    await ministry.sim.injectMo({ from: HN, to: message.from, text: '1' });
    const replies = async () => {
      const res = await api('/api/sms/replies', { cursor: '0' });
      return res.replies as { mobile: string; text: string }[];
    };
    await eventually(
      async () => ((await replies()).some((r) => r.text === '1') ? true : undefined),
      20_000,
      'the reply at the business system',
    );
    assert.deepEqual(await cursorsMoved(), [], 'nothing was pulled');
    const counters = link()?.counters;
    assert.ok((counters?.reports ?? 0) >= 1 && (counters?.uplinks ?? 0) >= 1, JSON.stringify(counters));

    // 3. A forged, a stale and an unsigned callback are refused and store nothing.
    const reply = (replyId: string, text: string) => ({
      appName: 'prov21',
      replies: [
        {
          replyId,
          mobile: HN,
          destId: `${SP}2101`,
          extCode: '21',
          subExtCode: '01',
          text,
          receivedTime: new Date().toISOString(),
        },
      ],
    });
    const forged = reply('900001', '伪造');
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const refused = [
      await push(forged, { 'x-sms12333-signature': signCallback('another-secret-of-sixteen', '1', '{}') }),
      await push(forged, {
        'x-sms12333-timestamp': stale,
        'x-sms12333-signature': signCallback(SECRET, stale, JSON.stringify(forged)),
      }),
      await fetch(`${pushUrl}/ministry/replies`, { method: 'POST', body: JSON.stringify(forged) }),
    ];
    assert.deepEqual(
      refused.map((r) => r.status),
      [401, 401, 401],
    );
    // Signed, but for another account.
    assert.equal((await push({ ...forged, appName: 'prov46' })).status, 400);
    assert.equal(
      (
        await db
          .selectFrom('uplink_messages')
          .select('id')
          .where('carrier_msg_id', '=', 'reply-900001')
          .execute()
      ).length,
      0,
      'a refused callback stores nothing',
    );

    // 4. The same callback again, and twice at once: stored once, reaches the business system once.
    const repeated = reply('900002', '2');
    const taken = [(await push(repeated)).status];
    taken.push(...(await Promise.all([push(repeated), push(repeated)])).map((r) => r.status));
    assert.deepEqual(taken, [204, 204, 204]);
    const rows = await db
      .selectFrom('uplink_messages')
      .select('ext')
      .where('carrier_msg_id', '=', 'reply-900002')
      .execute();
    assert.deepEqual(rows, [{ ext: '01' }]);
    await eventually(
      async () => ((await replies()).some((r) => r.text === '2') ? true : undefined),
      20_000,
      'the repeated reply at the business system',
    );
    assert.deepEqual(
      (await replies()).map((r) => r.text),
      ['1', '2'],
      'each reply once in the business system feed',
    );
    // A report sent again (then one claiming another outcome) changes nothing: the part is final.
    const part = await db
      .selectFrom('message_parts')
      .select('carrier_msg_id')
      .where('message_id', '=', Number(msgId))
      .executeTakeFirstOrThrow();
    const reportOf = (status: string, stat: string) => ({
      appName: 'prov21',
      reports: [{ msgId: part.carrier_msg_id, mobile: HN, status, stat, doneTime: new Date().toISOString() }],
    });
    const reported = [(await push(reportOf('DELIVERED', 'DELIVRD'))).status];
    reported.push(
      ...(
        await Promise.all([push(reportOf('DELIVERED', 'DELIVRD')), push(reportOf('FAILED', 'UNDELIV'))])
      ).map((r) => r.status),
    );
    assert.deepEqual(reported, [204, 204, 204]);
    const final = await db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', Number(msgId))
      .executeTakeFirstOrThrow();
    assert.equal(final.status, 'DELIVERED');
    const feed = (await api('/api/sms/reports', { cursor: '0' })).reports as {
      msgId: string;
      status: string;
    }[];
    assert.deepEqual(
      feed.filter((r) => r.msgId === msgId).map((r) => r.status),
      ['DELIVERED'],
      'one report in the business system feed',
    );
    assert.deepEqual(await cursorsMoved(), [], 'still nothing pulled');
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: pushes and catch-up pulls bring the same reports and replies; each applies once`, async (t) => {
    const { ministry, db, link, api, cursorsMoved } = await pushedFederation(t, dialect, 50);
    const mobiles = hainan(0, 30);
    const sent = await api('/api/sms/send', { mobiles, content: '请回复1确认参加培训。' });
    assert.equal(sent.code, 1, JSON.stringify(sent));
    const msgIds = (sent.msgIds as { msgId: string }[]).map((m) => m.msgId);
    const question = await eventually(() => ministry.sim.inbox(HN)[0], 20_000, 'the message at the ministry');
    await ministry.sim.injectMo({ from: HN, to: question.from, text: '1' });
    // Every item came both ways: pushed once by the ministry and read once by the pulls (whose
    // cursors move once what they read is stored).
    await eventually(
      async () => {
        const c = link()?.counters;
        const feeds = (await cursorsMoved()).map((m) => m.feed).sort();
        return c && c.reports >= 2 * mobiles.length && c.uplinks >= 2 && feeds.length === 2
          ? true
          : undefined;
      },
      30_000,
      'every report and the reply both pushed and pulled',
    );
    const statuses = await db
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    assert.deepEqual(
      statuses.map((r) => [r.status, Number(r.n)]),
      [['DELIVERED', mobiles.length]],
    );
    const uplinks = await db
      .selectFrom('uplink_messages')
      .select('carrier_msg_id')
      .where('mobile', '=', HN)
      .execute();
    assert.equal(uplinks.length, 1, JSON.stringify(uplinks));
    const reports = await eventually(
      async () => {
        const list = (await api('/api/sms/reports', { cursor: '0' })).reports as { msgId: string }[];
        return list.length >= mobiles.length ? list : undefined;
      },
      20_000,
      'the reports in the business system feed',
    );
    assert.deepEqual(reports.map((r) => r.msgId).sort(), [...msgIds].sort(), 'each report once');
    const replies = await eventually(
      async () => {
        const list = (await api('/api/sms/replies', { cursor: '0' })).replies as { text: string }[];
        return list.length > 0 ? list : undefined;
      },
      20_000,
      'the reply in the business system feed',
    );
    assert.deepEqual(
      replies.map((r) => r.text),
      ['1'],
    );
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a push port taken by another program: the link pulls meanwhile, and listens once it is free`, async (t) => {
    const blocker = createServer((_req, res) => res.writeHead(418).end());
    const { ministry, db, api, cursorsMoved, pushUrl } = await pushedFederation(
      t,
      dialect,
      0,
      (port) => new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve)),
    );
    // Meanwhile the report comes by pull.
    const sent = await api('/api/sms/send', { mobiles: [HN], content: '请回复1确认参加培训。' });
    assert.equal(sent.code, 1, JSON.stringify(sent));
    const question = await eventually(() => ministry.sim.inbox(HN)[0], 20_000, 'the message at the ministry');
    await eventually(
      async () => ((await cursorsMoved()).some((c) => c.feed === 'reports') ? true : undefined),
      20_000,
      'the report pulled',
    );
    const status = await db.selectFrom('messages').select('status').executeTakeFirstOrThrow();
    assert.equal(status.status, 'DELIVERED');
    // The port free: the link listens (an unsigned POST is its 401), then stops pulling.
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await eventually(
      async () => {
        // Refused until the link tries the port again (every reconnectMaxMs).
        const res = await fetch(pushUrl, { method: 'POST', body: '{}' }).catch(() => null);
        return res?.status === 401 ? true : undefined;
      },
      20_000,
      'the push listener up',
    );
    const pulled = await cursorsMoved();
    await ministry.sim.injectMo({ from: HN, to: question.from, text: '1' });
    await eventually(
      async () => {
        const list = (await api('/api/sms/replies', { cursor: '0' })).replies as { text: string }[];
        return list.some((r) => r.text === '1') ? true : undefined;
      },
      20_000,
      'the reply by push',
    );
    assert.deepEqual(await cursorsMoved(), pulled, 'no pull since the listener is up');
  });
}
