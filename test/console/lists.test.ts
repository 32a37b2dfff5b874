/**
 * Black and white lists in the console (§8.2) on SQLite and PostgreSQL: numbers pasted
 * in any common form are listed masked; a blacklisted number is BLOCKED by the HTTP interface and
 * sent again once removed; a whitelisted number escapes the identical-content limit that stops
 * another; TD is shown but cannot be removed here; the export holds no whole number; every change
 * is a data entry in the audit log without the number; a reviewer gets 403.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listsAnswer } from '../../src/console/contract/lists.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { unsubscribe } from '../../src/store/citizens.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

interface ListAnswer {
  counts: Record<string, number>;
  total: number;
  entries: { key: string; mobile: string; reason: string | null; createdAt: string }[];
}
interface SendAnswer {
  code: number;
  msgIds: { mobile: string; status: string; stat?: string }[];
}

for (const dialect of DIALECTS) {
  test(`${dialect}: black and white lists change what admission does; TD is read-only; nothing whole leaks`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    // No port needed: the calls go through inject().
    const consoleApp = rig.platform.consoleApp;
    assert.ok(consoleApp);
    // The lists are the security administrator's (an operator may only propose changes).
    const op = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'list.sec', ['security-admin'], { totp: true }),
    );
    const reviewer = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'rev', ['reviewer']));
    const send = async (mobile: string, content: string) =>
      (
        await rig.post('/api/sms/send', {
          appName: rig.appName,
          password: rig.password,
          mobiles: mobile,
          content,
        })
      ).json as unknown as SendAnswer;

    const added = await op.post<{ added: number; already: number; invalid: string[] }>('lists/BLACKLIST', {
      numbers: '13800000001，+8613800000002\n1380000000x 13800000001',
      reason: '投诉骚扰',
    });
    assert.equal(added.status, 200);
    assert.deepEqual(added.json, { added: 2, already: 0, invalid: ['1380000000x'], invalidCount: 1 });

    const black = await op.get<ListAnswer>('lists?kind=BLACKLIST');
    assert.deepEqual(listsAnswer.parse(black.json), black.json, 'the contract, nothing more');
    assert.equal(black.json.total, 2);
    assert.deepEqual(black.json.entries.map((e) => e.mobile).sort(), ['138****0001', '138****0002']);
    assert.ok(black.json.entries.every((e) => e.reason === '投诉骚扰'));
    assert.doesNotMatch(JSON.stringify(black.json), /13800000001/, 'no whole number in the list answer');
    const one = await op.get<ListAnswer>('lists?kind=BLACKLIST&mobile=13800000001');
    assert.equal(one.json.total, 1);

    assert.equal((await send('13800000001', '停水通知')).msgIds[0]?.status, 'BLOCKED');

    // An operator changes no list; they propose (test/console/proposals.test.ts).
    const operator = await consoleLogin(
      consoleApp,
      await addConsoleUser(rig.platform, 'list.op', ['operator']),
    );
    assert.equal((await operator.post('lists/BLACKLIST', { numbers: '13800000003' })).status, 403);
    const key = one.json.entries[0]?.key ?? '';
    assert.equal((await operator.post('lists/BLACKLIST/remove', { key })).status, 403);
    assert.equal((await operator.post('lists/WHITELIST', { numbers: '13800000004' })).status, 403);

    // Removed by its sealed key: the next notice goes.
    assert.equal((await op.post('lists/BLACKLIST/remove', { key })).status, 200);
    assert.equal((await op.post('lists/BLACKLIST/remove', { key })).json.code, 'LIST_NOT_LISTED');
    assert.equal((await send('13800000001', '停水通知')).msgIds[0]?.status, 'QUEUED');

    // The identical-content limit (on by default) stops a repeat, except for a whitelisted number.
    assert.equal((await send('13900000009', '社保缴费提醒')).msgIds[0]?.status, 'QUEUED');
    const repeat = (await send('13900000009', '社保缴费提醒')).msgIds[0];
    assert.deepEqual([repeat?.status, repeat?.stat], ['BLOCKED', 'DUPLICATE']);
    assert.equal((await op.post('lists/WHITELIST', { numbers: '13900000010' })).status, 200);
    assert.equal((await send('13900000010', '社保缴费提醒')).msgIds[0]?.status, 'QUEUED');
    assert.equal((await send('13900000010', '社保缴费提醒')).msgIds[0]?.status, 'QUEUED');

    // TD is the citizen's: listed, never removed from here.
    await unsubscribe(rig.platform.handle.db, '13700000007', 'TD', Date.now());
    const td = await op.get<ListAnswer>('lists?kind=TD');
    assert.equal(td.json.total, 1);
    assert.equal(td.json.entries[0]?.mobile, '137****0007');
    assert.equal(td.json.counts.TD, 1);
    const [tdEntry] = td.json.entries;
    assert.ok(tdEntry);
    const tdRemove = await op.post('lists/TD/remove', { key: tdEntry.key });
    assert.deepEqual([tdRemove.status, tdRemove.json.code], [400, 'LIST_TD_READONLY']);
    assert.equal((await op.post('lists/TD', { numbers: '13700000008' })).json.code, 'LIST_TD_READONLY');
    assert.equal((await op.post('lists/BLACKLIST', { numbers: 'abc' })).json.code, 'LIST_NO_NUMBERS');

    const csv = await op.fetch('lists/BLACKLIST/export');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="list-blacklist-/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM for Excel');
    const text = bytes.toString('utf8');
    assert.match(text, /黑名单,138\*\*\*\*0002,投诉骚扰,/);
    assert.doesNotMatch(text, /13800000002/);

    assert.equal((await reviewer.get('lists?kind=BLACKLIST')).status, 403);

    const entries = await searchAudit(rig.platform.handle.db, { actor: 'list.sec', kind: 'data' }, 0, 50);
    const actions = entries.map((e) => e.action);
    assert.ok(
      actions.includes('list.add') && actions.includes('list.remove') && actions.includes('export.list'),
    );
    assert.doesNotMatch(
      JSON.stringify(entries),
      /1380000000[12]|13900000010/,
      'the audit log holds no whole number',
    );
  });
}
