import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdAllocator } from '../../src/store/ids.js';
import { recordEvents, type UplinkRecord } from '../../src/store/outcomes.js';
import { flushStaleSegments } from '../../src/store/uplinks.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const SETTINGS = { reportDeadlineMs: 60_000, validityMs: 60_000, maxAttempts: 3, retryMinMs: 1000, retryMaxMs: 8000 };
const T = Date.UTC(2026, 10, 28, 4, 0, 0);

const segment = (ref: number, total: number, partNo: number, text: string, at = T, mobile = '13800138000'): UplinkRecord => ({
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
    const messages = () => store.db.selectFrom('uplink_messages').select(['text', 'status', 'concat_total', 'mobile']).orderBy('id').execute();

    // Out of order, across groups, with a repeated segment (its DELIVER_RESP was lost).
    await write([segment(7, 3, 3, '丙'), { ...segment(0, 1, 1, '单条'), concat: null }, segment(7, 3, 1, '甲')]);
    assert.deepEqual((await messages()).map((m) => m.text), ['单条'], 'the long one waits for its middle');
    await write([segment(7, 3, 1, '甲'), segment(7, 3, 2, '乙')]);
    assert.deepEqual((await messages()).map((m) => [m.text, m.status, m.concat_total]), [
      ['单条', 'NEW', null],
      ['甲乙丙', 'NEW', 3],
    ]);
    assert.equal((await store.db.selectFrom('uplink_segments').select('id').execute()).length, 0);

    // The same reference from another phone, or with another total, is another message.
    await write([segment(7, 2, 1, 'A', T, '13900139000'), segment(7, 2, 2, 'B', T, '13900139000'), segment(7, 4, 1, 'x', T + 10)]);
    assert.equal((await messages()).at(-1)?.text, 'AB');

    // Segments that stop arriving are kept, with the gap shown, once they are old enough.
    await write([segment(7, 4, 3, 'z', T + 20)]);
    assert.equal(await flushStaleSegments(store.db, ids, T + 5), 0, 'not yet: its oldest segment is newer');
    assert.equal(await flushStaleSegments(store.db, ids, T + 60_000), 1);
    const last = (await messages()).at(-1);
    assert.deepEqual([last?.text, last?.status, last?.concat_total], ['x…z…', 'PARTIAL', 4]);
    assert.equal((await store.db.selectFrom('uplink_segments').select('id').execute()).length, 0);
  });
}
