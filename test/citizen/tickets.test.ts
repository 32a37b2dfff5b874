/**
 * Card-loss tickets finished from outside (§7.3): a card system lists and completes them through
 * the interface, an operator through `sms12333 ticket`; either way the citizen's phone gets the
 * result, once. Accounts not named in `citizen.ticketApps` are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/bench/processes.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { person, startCitizenRig, withCheck } from '../helpers/citizen.js';
import { DIALECTS } from '../helpers/databases.js';
import { TEST_DATA_KEY } from '../helpers/platform.js';

const ZHANG = withCheck('21010219800101123');
const WANG = withCheck('21020219751111222');
const M1 = '13800138000';
const M2 = '13700137000';

for (const dialect of DIALECTS) {
  test(`${dialect}: a card system lists and completes card-loss tickets; the citizen gets the result`, async () => {
    const rig = await startCitizenRig(
      dialect,
      [person(ZHANG, '张三丰', '802613'), person(WANG, '王小二', '531864')],
      { config: { citizen: { pollMs: 50, ticketApps: ['cardsys'] } } },
    );
    try {
      await createTestApp(rig.platform.handle.db, 'cardsys', { balance: 0 });
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      await rig.ask(M2, `BD#${WANG}#531864`);
      const first = /受理号(GS\d+)/.exec(await rig.ask(M1, 'LSGS#'))?.[1];
      const second = /受理号(GS\d+)/.exec(await rig.ask(M2, 'lsgs#王小二'))?.[1];
      assert.ok(first && second);
      // Reported again while the first is unfinished: the same request number, no second ticket.
      assert.equal(
        await rig.ask(M2, 'LSGS#'),
        `王*二社保卡挂失已在办理中，受理号${second}，办理结果将短信告知。`,
      );

      const refused = await rig.post('/api/citizen/tickets', {
        appName: rig.appName,
        password: rig.password,
      });
      assert.equal(refused.json.code, 6, 'an account that is no ticket system');

      const listed = await rig.post('/api/citizen/tickets', { appName: 'cardsys', password: TEST_PASSWORD });
      assert.equal(listed.json.code, 1);
      const tickets = listed.json.tickets as Record<string, unknown>[];
      assert.deepEqual(
        tickets.map((t) => [t.requestNo, t.kind, t.status, t.name, t.ssn, t.mobile]),
        [
          [
            first,
            'card-loss',
            'OPEN',
            '张*丰',
            `${ZHANG.slice(0, 4)}**********${ZHANG.slice(-4)}`,
            '138****8000',
          ],
          [
            second,
            'card-loss',
            'OPEN',
            '王*二',
            `${WANG.slice(0, 4)}**********${WANG.slice(-4)}`,
            '137****7000',
          ],
        ],
      );

      const bad = await rig.post('/api/citizen/tickets/complete', {
        appName: 'cardsys',
        password: TEST_PASSWORD,
        requestNo: first,
        result: 'maybe',
      });
      assert.equal(bad.json.code, 2);
      const before = (await rig.inbox(M1)).length;
      const done = await rig.post('/api/citizen/tickets/complete', {
        appName: 'cardsys',
        password: TEST_PASSWORD,
        requestNo: first,
        result: 'rejected',
        text: '证件信息与卡不符',
      });
      assert.deepEqual([done.json.code, done.json.status], [1, 'REJECTED']);
      assert.equal(
        await rig.nth(M1, before + 1),
        `受理号${first}的挂失未能办理：证件信息与卡不符。请致电12333。`,
      );
      const again = await rig.post('/api/citizen/tickets/complete', {
        appName: 'cardsys',
        password: TEST_PASSWORD,
        requestNo: first,
        result: 'done',
      });
      assert.equal(again.json.code, 2, 'a ticket is completed once');

      // The operator's command line finishes the other one; the running platform sends the result.
      const env = {
        SMS12333_DATABASE_URL: rig.platform.config.database.url,
        SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
      };
      const list = runCli(['ticket', 'list'], env);
      assert.equal(await list.exited, 0, list.stderr());
      assert.match(
        list.stdout(),
        new RegExp(`${second}\\tcard-loss\\tOPEN\\tstaff\\t137\\*\\*\\*\\*7000\\t王\\*二`),
      );
      assert.doesNotMatch(list.stdout(), new RegExp(first));
      const before2 = (await rig.inbox(M2)).length;
      const complete = runCli(
        [
          'ticket',
          'complete',
          '--request-no',
          second,
          '--result',
          'done',
          '--by',
          '李科员',
          '--text',
          '请到网点补卡',
        ],
        env,
      );
      assert.equal(await complete.exited, 0, complete.stderr());
      assert.equal(await rig.nth(M2, before2 + 1), `王*二社保卡已临时挂失(受理号${second})。请到网点补卡`);
      const twice = runCli(['ticket', 'complete', '--request-no', second, '--result', 'done'], env);
      assert.equal(await twice.exited, 1);
      assert.match(twice.stderr(), /不存在或已办结/);
    } finally {
      await rig.close();
    }
  });
}
