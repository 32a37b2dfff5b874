/**
 * The uplink inbox on SQLite and PostgreSQL: citizens' commands show masked, with the
 * password masked as stored and what the engine made of them; a reply to a business system's
 * extension code shows under that system; filters by owner, phone, text and time narrow the list;
 * pages follow newest first; a case handler without `message.read` gets 403. Through `inject()`;
 * the answer is exactly its contract (contract/uplinks.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uplinksAnswer, type UplinksAnswer as InboxAnswer } from '../../src/console/contract/uplinks.js';
import { person, SERVICE_NUMBER, startCitizenRig, withCheck } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';

const ZHANG = withCheck('21010219800101123');
const M1 = '13800138000';
const M2 = '13900139000';

for (const dialect of DIALECTS) {
  test(`${dialect}: the uplink inbox shows citizens' commands masked with their outcome, and business replies by owner`, async () => {
    const rig = await startCitizenRig(dialect, [person(ZHANG, '张三丰', '802613')], {
      config: { console: { enabled: true, port: 0 } },
    });
    try {
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      await rig.ask(M1, 'CBXX#');
      // A reply to the business system hrss (extension code 01): no answer, just stored.
      await fetch(`${rig.controlUrl}/sim/mo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: M2, to: `${SERVICE_NUMBER}01`, text: '收到，谢谢' }),
      });
      const consoleApp = rig.platform.consoleApp;
      assert.ok(consoleApp);
      const op = await consoleLogin(consoleApp, await addConsoleUser(rig.platform, 'op', ['operator']));
      const all = await eventually(
        async () => {
          const res = await op.get<InboxAnswer>('uplinks');
          return res.json.uplinks.length === 3 ? res.json : undefined;
        },
        10_000,
        'three uplinks',
      );
      assert.deepEqual(uplinksAnswer.parse(all), all, 'the contract, nothing more');
      assert.deepEqual(all.apps, ['hrss']);
      const [reply, cbxx, bind] = all.uplinks;
      assert.ok(reply && cbxx && bind);
      assert.deepEqual(
        [reply.mobile, reply.owner, reply.ext, reply.text],
        ['139****9000', 'hrss', '01', '收到，谢谢'],
      );
      assert.deepEqual(
        [cbxx.mobile, cbxx.owner, cbxx.command, cbxx.outcome],
        ['138****8000', null, 'CBXX', 'none'],
      );
      assert.equal(bind.command, 'BD');
      assert.equal(bind.outcome, 'bound');
      assert.doesNotMatch(bind.text, /802613/, 'the service password is masked');
      assert.doesNotMatch(JSON.stringify(all), /13800138000|13900139000|210102198001011/);

      const citizens = await op.get<InboxAnswer>('uplinks?owner=citizen');
      assert.equal(citizens.json.uplinks.length, 2);
      const byApp = await op.get<InboxAnswer>('uplinks?owner=hrss');
      assert.deepEqual(
        byApp.json.uplinks.map((u) => u.text),
        ['收到，谢谢'],
      );
      const byPhone = await op.get<InboxAnswer>(`uplinks?mobile=${M2}`);
      assert.equal(byPhone.json.uplinks.length, 1);
      const byText = await op.get<InboxAnswer>(`uplinks?text=${encodeURIComponent('cbxx')}`);
      assert.deepEqual(
        byText.json.uplinks.map((u) => u.command),
        ['CBXX'],
      );
      const literalPercent = await op.get<InboxAnswer>(`uplinks?text=${encodeURIComponent('%')}`);
      assert.equal(literalPercent.json.uplinks.length, 0, '% is a character, not a wildcard');
      const future = await op.get<InboxAnswer>(
        `uplinks?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      );
      assert.equal(future.json.uplinks.length, 0);

      const first = await op.get<InboxAnswer>('uplinks?limit=2');
      assert.equal(first.json.uplinks.length, 2);
      assert.ok(first.json.next);
      const second = await op.get<InboxAnswer>(`uplinks?limit=2&after=${first.json.next}`);
      assert.deepEqual(
        [...first.json.uplinks, ...second.json.uplinks].map((u) => u.id),
        all.uplinks.map((u) => u.id),
      );
      assert.equal((await op.get('uplinks?owner=nobody')).status, 400);

      const handler = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'ch', ['case-handler']),
      );
      assert.equal((await handler.get('uplinks')).status, 200, 'case handlers read messages too');
      const auditor = await consoleLogin(
        consoleApp,
        await addConsoleUser(rig.platform, 'aud', ['auditor'], { totp: true }),
      );
      assert.equal((await auditor.get('uplinks')).status, 403);
    } finally {
      await rig.close();
    }
  });
}
