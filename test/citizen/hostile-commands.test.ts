/**
 * Citizens' commands under abuse (docs/security.md §5): a flood from one number gets one "too many"
 * answer then silence; an echoed input never makes a reply longer than one SMS; wrong passwords from
 * a stranger's phone lock that phone for the SSN, not the citizen's own; staff see and lift locks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureText } from '../../src/domain/text/index.js';
import { DIALECTS } from '../helpers/databases.js';
import { person, SIGNATURE, startCitizenRig, withCheck } from '../helpers/citizen.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually } from '../helpers/platform.js';

const LI = withCheck('11010519491231002');
const CITIZEN = '13900139000';
const STRANGER = '13700137000';
const FLOOD = '13600136000';

for (const dialect of DIALECTS) {
  test(`${dialect}: floods, echoes and strangers' guesses`, async (t) => {
    const rig = await startCitizenRig(dialect, [person(LI, '李四', '135790')], {
      config: {
        console: { enabled: true, port: 0 },
        citizen: { pollMs: 50, commandLimit: { commands: 8, windowMinutes: 10 } },
      },
    });
    t.after(() => rig.close());
    const db = rig.platform.handle.db;
    const send = (mobile: string, text: string) =>
      fetch(`${rig.controlUrl}/sim/mo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: mobile, to: '1065712333', text }),
      });

    await t.test('one "too many" answer past the limit, then silence', async () => {
      for (let i = 0; i < 8; i += 1) await rig.ask(FLOOD, 'CBXX#');
      assert.match(await rig.ask(FLOOD, 'CBXX#'), /过于频繁，请10分钟后再试/);
      for (let i = 0; i < 3; i += 1) await send(FLOOD, 'CBXX#');
      await eventually(async () => {
        const r = await db
          .selectFrom('citizen_requests')
          .select(({ fn }) => fn.countAll<number | string>().as('n'))
          .where('mobile', '=', FLOOD)
          .executeTakeFirstOrThrow();
        return Number(r.n) === 12 ? true : undefined;
      });
      assert.equal((await rig.inbox(FLOOD)).length, 9, 'the three after the answer get nothing');
    });

    await t.test('an echoed input is cut: the reply stays one SMS', async () => {
      const answer = await rig.ask(STRANGER, `BD#${'1'.repeat(2000)}#123456`);
      assert.match(answer, /社会保障号码.*有误/);
      assert.equal(measureText(SIGNATURE + answer, 'cn').segments, 1, answer);
    });

    await t.test("a stranger's wrong passwords lock the stranger's phone, not the citizen's", async () => {
      for (let i = 0; i < 4; i += 1) assert.match(await rig.ask(STRANGER, `BD#${LI}#00000${i}`), /还可再试/);
      assert.match(await rig.ask(STRANGER, `BD#${LI}#000009`), /已锁定至/);
      assert.match(await rig.ask(STRANGER, `BD#${LI}#135790`), /已锁定至/, 'even the right one, from there');
      assert.match(await rig.ask(CITIZEN, `BD#${LI}#135790`), /已与本机绑定/);
    });

    await t.test('staff see the lock, masked, and lift it (audited)', async () => {
      const consoleUrl = rig.platform.consoleUrl ?? '';
      const staff = await consoleLogin(
        consoleUrl,
        await addConsoleUser(rig.platform, 'case1', ['case-handler']),
      );
      const listed = await staff.get<{ locks: { id: string; scope: string; mobile: string | null }[] }>(
        'citizen-locks',
      );
      assert.equal(listed.status, 200);
      const pair = listed.json.locks.find((l) => l.scope === 'pair');
      assert.ok(pair, JSON.stringify(listed.json));
      assert.equal(pair.mobile, '137****7000');
      assert.ok(!JSON.stringify(listed.json).includes(STRANGER), 'phones are masked');
      const lifted = await staff.post<{ lifted: boolean }>('citizen-locks/lift', { id: pair.id });
      assert.deepEqual(lifted.json, { lifted: true });
      const audit = await db
        .selectFrom('audit_log')
        .select(['actor', 'action'])
        .where('action', '=', 'citizen.unlock')
        .execute();
      assert.deepEqual(audit, [{ actor: 'case1', action: 'citizen.unlock' }]);
      assert.match(await rig.ask(STRANGER, `BD#${LI}#135790`), /已与本机绑定/);
      const operator = await consoleLogin(
        consoleUrl,
        await addConsoleUser(rig.platform, 'op1', ['operator']),
      );
      assert.equal((await operator.get('citizen-locks')).status, 403);
    });
  });
}
