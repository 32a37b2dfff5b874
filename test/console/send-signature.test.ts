/**
 * Signatures on a console send (standard §6.1; docs/security.md §4), as on the interface: an
 * account without a signature sends under the platform's, invisible characters in front of the text
 * are dropped, and a second signature hidden behind them is refused. SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers/apps.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

interface Preview {
  samples: { text: string }[];
  code?: string;
}

for (const dialect of DIALECTS) {
  test(`${dialect}: a console send is always signed, and by one signature only`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const { platform } = rig;
    const db = platform.handle.db;
    await createTestApp(db, 'nosig', { signature: '', balance: 10 });
    const operator = await consoleLogin(
      platform.consoleUrl ?? '',
      await addConsoleUser(platform, 'sig.op', ['operator']),
    );
    const apps = await operator.get<{ apps: { id: number; name: string; signature: string }[] }>('send/apps');
    const id = (name: string) => apps.json.apps.find((a) => a.name === name)?.id ?? 0;
    assert.deepEqual(
      apps.json.apps.map((a) => [a.name, a.signature]),
      [
        ['hrss', '【人社局】'],
        ['nosig', '【12333】'],
      ],
      'the page shows the signature the texts go under',
    );

    const preview = (appId: number, content: string) =>
      operator.post<Preview>('send/preview', { appId, mobiles: '13800138000', content });
    assert.equal((await preview(id('nosig'), '停水通知')).json.samples[0]?.text, '【12333】停水通知');
    assert.equal(
      (await preview(id('hrss'), '\u200b\u200d停水通知')).json.samples[0]?.text,
      '【人社局】停水通知',
    );
    for (const lead of ['\u200b', '\u202e', '\ufeff', '\u3164']) {
      const refused = await preview(id('nosig'), `${lead}【公安局】冒充签名`);
      assert.deepEqual([refused.status, refused.json.code], [400, 'INVALID'], JSON.stringify(lead));
      const submitted = await operator.post('send', {
        appId: id('hrss'),
        mobiles: '13800138000',
        content: `${lead}【公安局】冒充签名`,
        idempotencyKey: `sig-refused-${lead.charCodeAt(0)}`,
      });
      assert.equal(submitted.status, 400);
    }

    const sent = await operator.post('send', {
      appId: id('nosig'),
      mobiles: '13800138000',
      content: '\u2060停水通知',
      idempotencyKey: 'sig-default-01',
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const batch = await db
      .selectFrom('batches')
      .select(['signature', 'content'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(batch, { signature: '【12333】', content: '停水通知' });
  });
}
