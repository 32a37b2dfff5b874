import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdAllocator } from '../../src/store/ids.js';
import { recordEvents, type UplinkRecord } from '../../src/store/outcomes.js';
import { flushStaleSegments, replyOwner } from '../../src/store/uplinks.js';
import { admitGroup } from '../../src/store/admission.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const SETTINGS = {
  reportDeadlineMs: 60_000,
  validityMs: 60_000,
  maxAttempts: 3,
  retryMinMs: 1000,
  retryMaxMs: 8000,
};
const T = Date.UTC(2026, 10, 28, 4, 0, 0);

const segment = (
  ref: number,
  total: number,
  partNo: number,
  text: string,
  at = T,
  mobile = '13800138000',
): UplinkRecord => ({
  gatewayId: 'g1',
  carrierMsgId: `m${ref}-${partNo}`,
  mobile,
  destId: '106571233301',
  ext: '01',
  appId: null,
  text,
  concat: { reference: ref, total, partNo },
  receivedAt: at,
});

for (const dialect of DIALECTS) {
  test(`${dialect}: long uplinks are reassembled in any order; repeats are ignored; stragglers end PARTIAL`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const ids = new IdAllocator(store.db);
    const write = (uplinks: UplinkRecord[]) =>
      recordEvents(store.db, store.caps, ids, { submissions: [], reports: [], uplinks }, SETTINGS, T);
    const messages = () =>
      store.db
        .selectFrom('uplink_messages')
        .select(['text', 'status', 'concat_total', 'mobile'])
        .orderBy('id')
        .execute();

    // Out of order, across groups, with a repeated segment (its DELIVER_RESP was lost).
    await write([
      segment(7, 3, 3, '丙'),
      { ...segment(0, 1, 1, '单条'), concat: null },
      segment(7, 3, 1, '甲'),
    ]);
    assert.deepEqual(
      (await messages()).map((m) => m.text),
      ['单条'],
      'the long one waits for its middle',
    );
    await write([segment(7, 3, 1, '甲'), segment(7, 3, 2, '乙')]);
    assert.deepEqual(
      (await messages()).map((m) => [m.text, m.status, m.concat_total]),
      [
        ['单条', 'NEW', null],
        ['甲乙丙', 'NEW', 3],
      ],
    );
    assert.equal((await store.db.selectFrom('uplink_segments').select('id').execute()).length, 0);

    // The same reference from another phone, or with another total, is another message.
    await write([
      segment(7, 2, 1, 'A', T, '13900139000'),
      segment(7, 2, 2, 'B', T, '13900139000'),
      segment(7, 4, 1, 'x', T + 10),
    ]);
    assert.equal((await messages()).at(-1)?.text, 'AB');

    // Segments that stop arriving are kept, with the gap shown, once they are old enough.
    await write([segment(7, 4, 3, 'z', T + 20)]);
    assert.equal(await flushStaleSegments(store.db, ids, T + 5), 0, 'not yet: its oldest segment is newer');
    assert.equal(await flushStaleSegments(store.db, ids, T + 60_000), 1);
    const last = (await messages()).at(-1);
    assert.deepEqual([last?.text, last?.status, last?.concat_total], ['x…z…', 'PARTIAL', 4]);
    assert.equal((await store.db.selectFrom('uplink_segments').select('id').execute()).length, 0);
  });

  test(`${dialect}: a reply to a request extCode of an account without its own extension is that account's`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const ids = new IdAllocator(store.db);
    const noext = await createTestApp(store.db, 'noext', { balance: 10 });
    const other = await createTestApp(store.db, 'other', { balance: 10 });
    const send = (appId: number, srcExt: string, mobile: string, at: number) =>
      admitGroup(
        store.db,
        store.caps,
        ids,
        [
          {
            appId,
            clientMsgId: null,
            signature: '【人社】',
            content: srcExt,
            srcExt,
            islong: false,
            category: 'notice',
            sendAt: null,
            recipients: [{ mobile, carrier: 'cmcc', segments: 1 }],
          },
        ],
        at,
      );
    await send(other.id, '88', '13800138000', T - 1000);
    await send(noext.id, '88', '13800138000', T);
    await send(other.id, '', '13900139000', T);
    // The latest message this citizen got from extension 88 was noext's; the texted number may add digits.
    assert.equal(await replyOwner(store.db, '13800138000', '88', T - 60_000), noext.id);
    assert.equal(await replyOwner(store.db, '13800138000', '881', T - 60_000), noext.id);
    assert.equal(
      await replyOwner(store.db, '13800138000', '8', T - 60_000),
      null,
      'a shorter number is not 88',
    );
    assert.equal(await replyOwner(store.db, '13900139000', '88', T - 60_000), null, 'never texted from 88');
    assert.equal(await replyOwner(store.db, '13800138000', '88', T + 1), null, 'older than the window');
    assert.equal(await replyOwner(store.db, '13800138000', '', T - 60_000), null);
  });
}
