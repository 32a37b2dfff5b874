/**
 * The rules file (docs/data-protection.md "Lists and sensitive words"): the security administrator
 * exports the black and white lists and the sensitive words unmasked and imports them back, in the
 * console and with `sms12333 lists`; each is audited; other roles are refused; a file with a bad
 * line imports nothing. The dashboard names the last backup.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/bench/processes.js';
import { addNumbers, listCounts } from '../../src/store/number-lists.js';
import { addSensitiveWord, listSensitiveWords } from '../../src/store/sensitive-words.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform, TEST_DATA_KEY } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: lists and sensitive words go out unmasked and come back, audited, for the security administrator only`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const db = rig.platform.handle.db;
    const now = Date.now();
    await addNumbers(db, 'BLACKLIST', ['13900000001', '13900000002'], '投诉', now);
    await addNumbers(db, 'WHITELIST', ['13900000003'], null, now);
    await addSensitiveWord(
      db,
      rig.platform.ids,
      { word: '=违禁词', action: 'block', note: '公式样', by: 't' },
      now,
    );
    await addSensitiveWord(
      db,
      rig.platform.ids,
      { word: '待审词', action: 'review', note: null, by: 't' },
      now,
    );

    const url = rig.platform.consoleUrl ?? '';
    const security = await consoleLogin(
      url,
      await addConsoleUser(rig.platform, 'sec', ['security-admin'], { totp: true }),
    );
    const operator = await consoleLogin(url, await addConsoleUser(rig.platform, 'op', ['operator']));
    const admin = await consoleLogin(
      url,
      await addConsoleUser(rig.platform, 'adm', ['system-admin'], { totp: true }),
    );

    assert.equal((await operator.fetch('rules/export')).status, 403);
    const exported = await security.fetch('rules/export');
    assert.equal(exported.status, 200);
    const csv = await exported.text();
    for (const whole of ['13900000001', '13900000002', '13900000003', "'=违禁词", '待审词'])
      assert.ok(csv.includes(whole), whole);

    // Emptied, then the file brings back every entry.
    await db.deleteFrom('mobile_blocks').execute();
    await db.deleteFrom('sensitive_words').execute();
    const bad = await security.post('rules/import', { csv: `${csv}BLACKLIST,123,,\r\n` });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      await listCounts(db),
      { BLACKLIST: 0, WHITELIST: 0, TD: 0 },
      'a bad line imports nothing',
    );
    const imported = await security.post('rules/import', { csv });
    assert.equal(imported.status, 200, JSON.stringify(imported.json));
    assert.deepEqual(imported.json, { numbers: 3, words: 2, already: 0 });
    assert.deepEqual(await listCounts(db), { BLACKLIST: 2, WHITELIST: 1, TD: 0 });
    const words = await listSensitiveWords(db);
    assert.deepEqual(words.map((w) => [w.word, w.action, w.note]).sort(), [
      ['=违禁词', 'block', '公式样'],
      ['待审词', 'review', null],
    ]);
    const actions = (await db.selectFrom('audit_log').select(['action', 'actor']).execute()).filter((a) =>
      a.action.endsWith('.rules'),
    );
    assert.deepEqual(actions.map((a) => `${a.actor}:${a.action}`).sort(), [
      'sec:export.rules',
      'sec:import.rules',
    ]);

    // The command line does the same against the same database.
    const dir = mkdtempSync(join(tmpdir(), 'sms12333-rules-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      SMS12333_DATABASE_URL: rig.platform.config.database.url,
      SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
    };
    const file = join(dir, 'rules.csv');
    const out = runCli(['lists', 'export', '--out', file], env);
    assert.equal(await out.exited, 0, out.stderr());
    assert.ok(readFileSync(file, 'utf8').includes('13900000002'));
    await db.deleteFrom('mobile_blocks').where('mobile', '=', '13900000002').execute();
    const back = runCli(['lists', 'import', '--file', file], env);
    assert.equal(await back.exited, 0, back.stderr());
    assert.match(back.stdout(), /numbers 1, 敏感词 words 0, 已有 already there 4/);
    writeFileSync(join(dir, 'bad.csv'), 'kind,value,action,note\nWORD,x,maybe,\n');
    const refused = runCli(['lists', 'import', '--file', join(dir, 'bad.csv')], env);
    assert.equal(await refused.exited, 1);

    const dashboard = await admin.get<{ backup: { lastOk: unknown; latest: unknown } }>('stats/dashboard');
    assert.equal(dashboard.status, 200);
    assert.deepEqual(dashboard.json.backup, { latest: null, lastOk: null });
  });
}
