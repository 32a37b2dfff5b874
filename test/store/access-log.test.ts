/**
 * The interface access log's search and export pages (docs/console.md "Interface access log") on
 * both databases: filters by account, address, exact path or prefix (`_` and `%` in it taken
 * literally), code and refusals; newest first with the total; the export's keyset pages cover
 * every match once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAccessLogPage, searchAccessLog, type AccessFilter } from '../../src/store/access-log.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const T = Date.UTC(2026, 11, 7);

for (const dialect of DIALECTS) {
  test(`${dialect}: access log search filters, counts, pages and exports`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const db = store.db;
    const paths = ['/api/sms/send', '/api/sms/balance', '/api/sms/otp/send', '/api/sms_x'];
    await db
      .insertInto('interface_access_log')
      .values(
        Array.from({ length: 40 }, (_, i) => ({
          id: 100 + i,
          // Pairs share a time: the pages must order by id within one.
          at: T + Math.floor(i / 2) * 1000,
          app_name: i % 5 === 0 ? null : i % 2 === 0 ? 'hrss' : 'yibao',
          source_ip: i < 30 ? '10.0.0.1' : '10.0.0.2',
          path: paths[i % 4] ?? '',
          code: i % 3 === 0 ? 8 : i % 7 === 0 ? null : 1,
          numbers: 1,
          duration_ms: 2,
          msg: null,
        })),
      )
      .execute();
    const all = await searchAccessLog(db, {}, 500, 0);
    assert.equal(all.total, 40);
    const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
    const expect = (keep: (i: number) => boolean) =>
      Array.from({ length: 40 }, (_, i) => i)
        .filter(keep)
        .map((i) => 100 + i)
        .reverse();
    const check = async (filter: AccessFilter, keep: (i: number) => boolean) => {
      const found = await searchAccessLog(db, filter, 500, 0);
      assert.deepEqual(ids(found.entries), expect(keep), JSON.stringify(filter));
      assert.equal(found.total, found.entries.length);
    };
    assert.deepEqual(
      ids(all.entries),
      expect(() => true),
    );
    await check({ path: '/api/sms/send' }, (i) => i % 4 === 0);
    await check({ path: '/api/sms/*' }, (i) => i % 4 !== 3);
    await check({ path: '/api/sms_*' }, (i) => i % 4 === 3);
    await check({ appName: 'hrss', code: 8 }, (i) => i % 5 !== 0 && i % 2 === 0 && i % 3 === 0);
    await check({ refusedOnly: true, sourceIp: '10.0.0.2' }, (i) => i >= 30 && (i % 3 === 0 || i % 7 === 0));
    await check({ from: T + 5000, to: T + 10_000 }, (i) => i >= 10 && i < 20);

    const page2 = await searchAccessLog(db, { sourceIp: '10.0.0.1' }, 7, 7);
    assert.equal(page2.total, 30);
    assert.deepEqual(ids(page2.entries), expect((i) => i < 30).slice(7, 14));

    const exported: number[] = [];
    for (let after = null; ;) {
      const page = await readAccessLogPage(db, { path: '/api/sms/*' }, after, 4);
      exported.push(...ids(page));
      after = page.at(-1) ?? null;
      if (!after || page.length < 4) break;
    }
    assert.deepEqual(
      exported,
      expect((i) => i % 4 !== 3),
    );
  });
}
