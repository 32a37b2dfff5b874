/**
 * A reply page read twice is stored once (docs/federation.md §4 "Reports and replies"): the province
 * stores a page of the ministry's reply feed and dies before its cursor is saved — here the save
 * fails once, which leaves the link exactly there — so it reads the same page again. The citizen's
 * reply reaches the province's business system once, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/bench/processes.js';
import { createGateway } from '../../src/protocols/registry.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { addProvinceAccounts, ministryLink, startMinistry, writeSegments } from '../helpers/federation.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';

const SP = '1065712333';
const HN = '13900460001';

for (const dialect of DIALECTS) {
  test(`${dialect}: the province dies between storing a reply page and saving its cursor; the reply is stored once`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'reply-replay-'));
    const segments = writeSegments(dir);
    const ministryDb = await createTestDatabase('postgres');
    const ministryPort = await freePort();
    const ministry = await startMinistry(ministryDb.url, ministryPort, segments);
    t.after(async () => {
      await ministry.close();
      await ministryDb.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    await addProvinceAccounts(ministry.platform.handle.db, ['21']);

    const failedSaves: string[] = [];
    const p21 = await startTestPlatform(dialect, {
      config: { platform: { role: 'province', province: '21' }, phoneData: { file: segments } },
      links: [{ id: 'ministry', gateway: ministryLink(`http://127.0.0.1:${ministryPort}`, 'prov21') }],
      gatewayFactory: (config, deps) => {
        const { cursors } = deps;
        if (!cursors) return createGateway(config, deps);
        return createGateway(config, {
          ...deps,
          cursors: {
            load: (id, feed) => cursors.load(id, feed),
            save: async (id, feed, cursor) => {
              if (feed === 'replies' && failedSaves.length === 0) {
                failedSaves.push(cursor);
                throw new Error('the province died before its cursor was saved');
              }
              await cursors.save(id, feed, cursor);
            },
          },
        });
      },
    });
    t.after(() => p21.close());
    await eventually(
      () => (p21.platform.router.byId('ministry')?.status().bound === 1 ? true : undefined),
      20_000,
      'ministry link',
    );

    const sent = await p21.post('/api/sms/send', {
      appName: p21.appName,
      password: p21.password,
      mobiles: [HN],
      content: '请回复1确认参加培训。',
    });
    assert.equal(sent.json.code, 1, JSON.stringify(sent.json));
    const message = await eventually(() => ministry.sim.inbox(HN)[0], 20_000, 'the message at the ministry');
    assert.equal(message.from, `${SP}2101`);
    await ministry.sim.injectMo({ from: HN, to: message.from, text: '1' });

    // The page was stored, its cursor not saved; the next read gives it again and saves the cursor.
    const saved = await eventually(
      async () => {
        const row = await p21.platform.handle.db
          .selectFrom('federation_cursors')
          .select('cursor')
          .where('gateway_id', '=', 'ministry')
          .where('feed', '=', 'replies')
          .executeTakeFirst();
        return row?.cursor;
      },
      20_000,
      'the reply cursor saved',
    );
    assert.deepEqual(failedSaves, [saved], 'the same page was read again');
    const stored = await p21.platform.handle.db
      .selectFrom('uplink_messages')
      .select(['carrier_msg_id', 'ext', 'text'])
      .where('mobile', '=', HN)
      .execute();
    assert.equal(stored.length, 1, JSON.stringify(stored));
    assert.equal(stored[0]?.ext, '01');
    // The feed numbers new rows a moment after they are stored (docs/callbacks.md).
    const items = await eventually(
      async () => {
        const replies = await p21.post('/api/sms/replies', {
          appName: p21.appName,
          password: p21.password,
          cursor: '0',
        });
        const list = replies.json.replies as { mobile: string; text: string }[];
        return list.length > 0 ? list : undefined;
      },
      10_000,
      'the reply in the business system feed',
    );
    assert.deepEqual(
      items.map((r) => [r.mobile, r.text]),
      [[HN, '1']],
    );
  });
}
