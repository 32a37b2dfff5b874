/**
 * The command engine end to end (docs/design.md §5 Commands): a citizen texts 12333 through the
 * carrier simulator and reads the answer on the handset, on SQLite and on PostgreSQL. Each command's
 * success path and its error paths: not bound, wrong password, locked, unknown name, two matching
 * names, invalid SSN, unknown command, full-width input, malformed parameters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { DIALECTS } from '../helpers/databases.js';
import { person, startCitizenRig, withCheck, type CitizenRig } from '../helpers/citizen.js';
import { eventually } from '../helpers/platform.js';

const ZHANG = withCheck('21010219800101123'); // 张三丰
const LI = withCheck('11010519491231002'); // 李四: the published example, check X
const WEI_1 = withCheck('21020319900315201'); // 张伟
const WEI_2 = withCheck('21020319920606402'); // another 张伟
const M1 = '13800138000';
const M2 = '13900139000';

const PERSONS = [
  person(ZHANG, '张三丰', '802613', {
    insurances: [
      { type: '企业职工基本养老保险', status: '正常参保' },
      { type: '基本医疗保险', status: '正常参保' },
      { type: '失业保险', status: '暂停缴费' },
    ],
    pensionBalanceCents: 1_234_567,
    pensionAsOf: '2026-10',
  }),
  person(LI, '李四', '135790'),
  person(WEI_1, '张伟', '246813', { insurances: [{ type: '工伤保险', status: '正常参保' }] }),
  person(WEI_2, '张伟', '975312', { insurances: [{ type: '生育保险', status: '正常参保' }] }),
];

const masked = (ssn: string): string => `${ssn.slice(0, 4)}**********${ssn.slice(-4)}`;
const fullWidth = (text: string): string =>
  text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

async function rows(
  rig: CitizenRig,
  mobile: string,
): Promise<{ command: string; text_masked: string; outcome: string }[]> {
  return rig.platform.handle.db
    .selectFrom('citizen_requests')
    .select(['command', 'text_masked', 'outcome'])
    .where('mobile', '=', mobile)
    .orderBy('id')
    .execute();
}

for (const dialect of DIALECTS) {
  test(`${dialect}: help, binding, queries, moves, password change, unbinding`, async (t) => {
    // Everything the platform logs, unredacted: passwords and whole SSNs must never reach the logger.
    const logLines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    // One phone walks through every command here, more than citizen.commandLimit allows.
    const rig = await startCitizenRig(dialect, PERSONS, {
      logger,
      config: { citizen: { pollMs: 50, commandLimit: { commands: 1000, windowMinutes: 10 } } },
    });
    try {
      await t.test('anything unknown gets the help: every command, in two short SMS', async () => {
        for (const text of ['你好', 'XYZ#1']) {
          const help = await rig.askAll(M1, text, 2);
          assert.ok(
            help.some((h) =>
              /^回复BD#证件号#密码绑定,CBXX#查参保,YLZHYE#查养老余额,LSGS#挂失社保卡,QXBD#解绑,TD#退订$/.test(
                h,
              ),
            ),
            help.join(' | '),
          );
          assert.ok(
            help.includes('另可发MMCZ#原密码#新密码改密码,QXFW#取消全部服务,KT#恢复接收通知短信'),
            help.join(' | '),
          );
        }
      });
      await t.test('a query before binding asks for BD first', async () => {
        assert.equal(
          await rig.ask(M1, 'CBXX#'),
          '本机尚未绑定社会保障号码，请先发送BD#社会保障号码#服务密码绑定。',
        );
      });
      await t.test('malformed parameters get the right form', async () => {
        assert.match(await rig.ask(M1, 'BD#123'), /^指令格式有误，正确格式为：BD#/);
      });
      await t.test('an impossible SSN is refused before any password is checked', async () => {
        const wrongCheck = ZHANG.slice(0, 17) + (ZHANG.endsWith('1') ? '2' : '1');
        assert.match(await rig.ask(M1, `BD#${wrongCheck}#802613`), /^社会保障号码2101\*+\d{3}[\dX]有误/);
        assert.match(await rig.ask(M1, 'BD#210102198002301234#802613'), /有误/);
      });
      await t.test('a wrong password says how many tries are left', async () => {
        assert.equal(
          await rig.ask(M1, `BD#${ZHANG}#000000`),
          '服务密码错误，还可再试4次，忘记密码请到经办机构重置。',
        );
      });
      await t.test(
        'BD typed in full-width characters binds; the stored text hides the password',
        async () => {
          assert.equal(
            await rig.ask(M1, fullWidth(`bd#${ZHANG}#802613`)),
            `张*丰(${masked(ZHANG)})已与本机绑定，发送CBXX#可查询参保信息。`,
          );
          const stored = await rig.platform.handle.db
            .selectFrom('uplink_messages')
            .select(['text', 'secret_enc', 'handled_at'])
            .where('mobile', '=', M1)
            .execute();
          for (const row of stored) {
            assert.ok(!row.text.includes('802613') && !row.text.includes('８０２６１３'), row.text);
            assert.equal(row.secret_enc, null, 'the encrypted original is dropped once handled');
            assert.notEqual(row.handled_at, null);
          }
          const requests = await rows(rig, M1);
          assert.ok(
            requests.every((r) => !r.text_masked.includes('802613') && !r.text_masked.includes('000000')),
          );
          assert.deepEqual(
            requests.filter((r) => r.command === 'BD').map((r) => r.outcome),
            ['malformed', 'ssn-invalid', 'ssn-invalid', 'wrong-password', 'bound'],
          );
        },
      );
      await t.test('CBXX and YLZHYE answer for the only binding, masked', async () => {
        assert.equal(await rig.ask(M1, 'CBXX#'), `张*丰(${masked(ZHANG)})参保:养老正常,医疗正常,失业暂停。`);
        assert.equal(
          await rig.ask(M1, ' ylzhye '),
          `张*丰(${masked(ZHANG)})养老个人账户余额12345.67元(截至2026-10)。`,
        );
      });
      await t.test('with several bindings a name is needed; none or two matches say so', async () => {
        await rig.ask(M1, `BD#${LI.toLowerCase()}#135790`);
        await rig.ask(M1, `BD#${WEI_1}#246813`);
        await rig.ask(M1, `BD#${WEI_2}#975312`);
        // No parameter: the first bound is the phone's owner; the others are told how to ask.
        assert.deepEqual(
          new Set(await rig.askAll(M1, 'CBXX#', 2)),
          new Set([
            `张*丰(${masked(ZHANG)})参保:养老正常,医疗正常,失业暂停。`,
            '本机另绑定3人，为其办理请在指令后加姓名，如CBXX#姓名。',
          ]),
        );
        assert.equal(await rig.ask(M1, 'CBXX#李四'), `李*(${masked(LI)})暂无参保记录。`);
        assert.equal(await rig.ask(M1, 'YLZHYE#李四'), `李*(${masked(LI)})暂无养老保险个人账户信息。`);
        assert.equal(
          await rig.ask(M1, 'CBXX#王五'),
          '本机绑定的证件中没有“王*”，请核对姓名或发送证件号后4位。',
        );
        assert.equal(await rig.ask(M1, 'CBXX#张伟'), '本机绑定的证件中有2人名为“张*”，请改发证件号后4位。');
        assert.equal(await rig.ask(M1, `CBXX#${WEI_2.slice(-4)}`), `张*(${masked(WEI_2)})参保:生育正常。`);
      });
      await t.test('BD from another phone moves the binding and tells the old phone', async () => {
        const before = (await rig.inbox(M1)).length;
        assert.equal(
          await rig.ask(M2, `BD#${ZHANG}#802613`),
          `张*丰(${masked(ZHANG)})已与本机绑定，发送CBXX#可查询参保信息。`,
        );
        assert.equal(
          await rig.nth(M1, before + 1),
          `张*丰(${masked(ZHANG)})的短信服务已改绑到尾号9000的手机，如非本人操作请致电12333。`,
        );
        assert.equal(
          await rig.ask(M1, 'CBXX#张三丰'),
          '本机绑定的证件中没有“张*丰”，请核对姓名或发送证件号后4位。',
        );
        assert.equal(
          await rig.ask(M2, `BD#${ZHANG}#802613`),
          `张*丰(${masked(ZHANG)})已与本机绑定，无需重复绑定。`,
        );
      });
      await t.test(
        'the owner left: the next bound is owner; binding another again names it owner',
        async () => {
          assert.deepEqual(
            new Set(await rig.askAll(M1, 'CBXX#', 2)),
            new Set([
              `李*(${masked(LI)})暂无参保记录。`,
              '本机另绑定2人，为其办理请在指令后加姓名，如CBXX#姓名。',
            ]),
          );
          assert.equal(
            await rig.ask(M1, `BD#${WEI_2}#975312`),
            `张*(${masked(WEI_2)})已设为本机机主，不带姓名的查询和挂失都将办理其业务。`,
          );
          assert.deepEqual(
            new Set(await rig.askAll(M1, 'CBXX#', 2)),
            new Set([
              `张*(${masked(WEI_2)})参保:生育正常。`,
              '本机另绑定2人，为其办理请在指令后加姓名，如CBXX#姓名。',
            ]),
          );
          assert.equal(
            await rig.ask(M1, `BD#${WEI_2}#975312`),
            `张*(${masked(WEI_2)})已与本机绑定，无需重复绑定。`,
          );
        },
      );
      await t.test('MMCZ: wrong old password, a weak new one, then a change that BD accepts', async () => {
        assert.equal(await rig.ask(M2, 'MMCZ#111111#Ab3927'), '原密码与本机绑定的证件均不符，还可再试4次。');
        assert.match(await rig.ask(M2, 'MMCZ#802613#123456'), /^新密码不符合要求：/);
        assert.equal(
          await rig.ask(M2, 'MMCZ#802613#Ab3927'),
          `张*丰(${masked(ZHANG)})的服务密码已修改，请妥善保管。`,
        );
        assert.equal(
          await rig.ask(M2, `BD#${ZHANG}#802613`),
          '服务密码错误，还可再试4次，忘记密码请到经办机构重置。',
        );
        assert.equal(
          await rig.ask(M2, `BD#${ZHANG}#Ab3927`),
          `张*丰(${masked(ZHANG)})已与本机绑定，无需重复绑定。`,
        );
        const requests = await rows(rig, M2);
        assert.ok(
          requests.every((r) => !/802613|Ab3927|111111|123456/.test(r.text_masked)),
          JSON.stringify(requests),
        );
      });
      await t.test('the log holds no password and no whole SSN', () => {
        const log = logLines.join('');
        assert.ok(log.length > 0, 'something was logged');
        for (const secret of ['802613', 'Ab3927', '135790', '246813', '975312', ZHANG, LI, WEI_1, WEI_2])
          assert.ok(!log.includes(secret), `the log holds ${secret}`);
      });
      await t.test('QXBD without a parameter asks which; with one, unbinds it', async () => {
        assert.equal(await rig.ask(M1, 'QXBD#'), '本机绑定了3个证件，请发送QXBD#社会保障号码解除其中一个。');
        assert.equal(await rig.ask(M1, `QXBD#${LI}`), `已解除李*(${masked(LI)})与本机的绑定。`);
        assert.equal(await rig.ask(M1, `QXBD#${LI}`), `本机未绑定社会保障号码${masked(LI)}。`);
        assert.equal(await rig.ask(M2, 'qxbd'), `已解除张*丰(${masked(ZHANG)})与本机的绑定。`);
        assert.equal(
          await rig.ask(M2, 'QXBD#'),
          '本机尚未绑定社会保障号码，请先发送BD#社会保障号码#服务密码绑定。',
        );
      });
    } finally {
      await rig.close();
    }
  });

  test(`${dialect}: TD, KT and QXFW decide who gets notices; replies always go`, async () => {
    const rig = await startCitizenRig(dialect, PERSONS);
    /** Sends a notice; a queued one is waited for at the handset, so the next answer is the next message. */
    let notices = 0;
    const notice = async (): Promise<string> => {
      const before = (await rig.inbox(M1)).length;
      // Each one different: the same content to the same number is held back as a duplicate.
      notices++;
      const { json } = await rig.post('/api/sms/send', {
        appName: rig.appName,
        password: rig.password,
        mobiles: M1,
        content: `第${notices}期养老金已发放`,
      });
      const status = String((json.msgIds as { status: string }[])[0]?.status);
      if (status === 'QUEUED') assert.match(await rig.nth(M1, before + 1), /养老金已发放$/);
      return status;
    };
    try {
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      assert.equal(await rig.ask(M1, 'td'), '已退订12333通知短信，查询等服务不受影响。需要时可发送KT#恢复。');
      assert.equal(await notice(), 'BLOCKED');
      assert.match(await rig.ask(M1, 'CBXX#'), /^张\*丰/);
      assert.equal(await rig.ask(M1, 'KT#'), '已恢复接收12333通知短信。');
      assert.equal(await notice(), 'QUEUED');
      assert.equal(
        await rig.ask(M1, 'QXFW#'),
        '已取消本机全部12333短信服务，不再发送通知。需要时可发送KT#恢复。',
      );
      assert.equal(await notice(), 'BLOCKED');
      assert.equal(
        await rig.ask(M1, 'CBXX#'),
        '本机尚未绑定社会保障号码，请先发送BD#社会保障号码#服务密码绑定。',
      );
      // A new binding turns notices back on (Table 1).
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      assert.equal(await notice(), 'QUEUED');
    } finally {
      await rig.close();
    }
  });

  test(`${dialect}: wrong passwords lock the SSN, and the reply says until when`, async () => {
    const rig = await startCitizenRig(dialect, PERSONS, {
      config: { citizen: { pollMs: 50, ssnFailureLimit: 3 } },
    });
    try {
      assert.match(await rig.ask(M1, `BD#${LI}#000001`), /还可再试2次/);
      assert.match(await rig.ask(M1, `BD#${LI}#000002`), /还可再试1次/);
      assert.match(
        await rig.ask(M1, `BD#${LI}#000003`),
        /^密码错误次数过多，已锁定至\d{1,2}月\d{1,2}日\d\d:\d\d，届时再试或致电12333。$/,
      );
      // Locked: even the right password is not checked now, from any phone.
      assert.match(await rig.ask(M2, `BD#${LI}#135790`), /^密码错误次数过多，已锁定至/);
      // Another SSN from the first phone is not locked by it.
      assert.match(await rig.ask(M1, `BD#${ZHANG}#802613`), /已与本机绑定/);
      const locks = await rig.platform.handle.db.selectFrom('password_failures').selectAll().execute();
      assert.ok(locks.some((l) => l.scope === 'ssn' && l.locked_until !== null));
      assert.ok(
        locks.every((l) => !l.subject.includes(LI)),
        'SSNs are kept by keyed hash only',
      );
    } finally {
      await rig.close();
    }
  });

  test(`${dialect}: LSGS gives a request number at once and the result when staff complete it`, async () => {
    const rig = await startCitizenRig(dialect, PERSONS);
    try {
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      const accepted = await rig.ask(M1, 'LSGS#张三丰');
      const requestNo = /受理号(GS\d+)/.exec(accepted)?.[1];
      assert.ok(requestNo, accepted);
      assert.equal(accepted, `已受理张*丰社保卡临时挂失，受理号${requestNo}，办理结果将短信告知。`);
      const { listTickets } = await import('../../src/store/tickets.js');
      const open = await listTickets(rig.platform.handle.db, { status: ['OPEN'] });
      assert.deepEqual(
        open.map((t) => [t.requestNo, t.kind, t.handler, t.mobile]),
        [[requestNo, 'card-loss', 'staff', M1]],
      );
      const { completeAndNotify } = await import('../../src/citizen/ticket-results.js');
      const before = (await rig.inbox(M1)).length;
      const done = await completeAndNotify(rig.platform.citizens.tickets, requestNo, {
        result: 'done',
        text: null,
        by: 'staff-1',
      });
      assert.equal(done?.ticket.status, 'DONE');
      assert.equal(
        await rig.nth(M1, before + 1),
        `张*丰社保卡已临时挂失(受理号${requestNo})。补卡请持证件到经办网点。`,
      );
      // Completed once: a second completion changes nothing and sends nothing.
      assert.equal(
        await completeAndNotify(rig.platform.citizens.tickets, requestNo, {
          result: 'done',
          text: null,
          by: 'x',
        }),
        null,
      );
      await eventually(async () => ((await rig.inbox(M1)).length === before + 1 ? true : undefined), 2000);
    } finally {
      await rig.close();
    }
  });

  test(`${dialect}: the business backend down: "try later", the request recorded, nothing hangs`, async () => {
    const rig = await startCitizenRig(dialect, [], {
      config: {
        citizen: { pollMs: 50 },
        backend: {
          kind: 'http',
          http: { baseUrl: 'http://127.0.0.1:9', timeoutMs: 300, retries: 1, retryBackoffMs: 10 },
        },
      },
    });
    try {
      assert.equal(await rig.ask(M1, `BD#${ZHANG}#802613`), '系统繁忙，您的请求已记录，请稍后再试。');
      assert.deepEqual(
        (await rows(rig, M1)).map((r) => [r.command, r.outcome]),
        [['BD', 'backend-down']],
      );
    } finally {
      await rig.close();
    }
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: province extensions by configuration (query, ticket) and edited reply texts`, async () => {
    const rig = await startCitizenRig(
      dialect,
      [person(ZHANG, '张三丰', '802613', { extra: { city: '沈阳市' } })],
      {
        config: {
          citizen: {
            pollMs: 50,
            extensions: [
              { code: 'KT', handler: { kind: 'resubscribe' } },
              {
                code: 'SZCS',
                params: ['?name'],
                handler: { kind: 'query', operation: 'person', reply: '{name}({ssn})参保地:{city}' },
              },
              { code: 'ZXSQ', params: ['topic'], handler: { kind: 'ticket', ticketKind: 'consult' } },
            ],
          },
        },
      },
    );
    try {
      assert.equal(
        await rig.ask(M1, 'SZCS#'),
        '本机尚未绑定社会保障号码，请先发送BD#社会保障号码#服务密码绑定。',
      );
      await rig.ask(M1, `BD#${ZHANG}#802613`);
      assert.equal(await rig.ask(M1, 'szcs'), `张*丰(${masked(ZHANG)})参保地:沈阳市`);
      assert.equal(await rig.ask(M1, 'SZCS#张三丰'), `张*丰(${masked(ZHANG)})参保地:沈阳市`);
      assert.equal(await rig.ask(M1, 'ZXSQ#'), '指令格式有误，正确格式为：ZXSQ#topic');
      const accepted = await rig.ask(M1, 'ZXSQ#医保转移');
      const requestNo = /受理号(SQ\d+)/.exec(accepted)?.[1];
      assert.equal(accepted, `您的申请已受理，受理号${requestNo ?? '?'}，办理结果将短信告知。`);
      const ticket = await rig.platform.handle.db
        .selectFrom('service_tickets')
        .select(['kind', 'params', 'status', 'handler'])
        .where('request_no', '=', requestNo ?? '')
        .executeTakeFirstOrThrow();
      assert.deepEqual(ticket, {
        kind: 'consult',
        params: '{"topic":"医保转移"}',
        status: 'OPEN',
        handler: 'staff',
      });

      // An operator edits a reply; the next answer uses it. An edit that cannot fit is refused.
      const { texts } = rig.platform.citizens;
      await texts.set('resubscribed', '好的，通知短信已恢复。', 'operator-1');
      assert.equal(await rig.ask(M1, 'KT#'), '好的，通知短信已恢复。');
      await assert.rejects(texts.set('resubscribed', '很'.repeat(70), 'operator-1'), /超过一条短信/);
      await assert.rejects(texts.set('nonsense', 'x', 'operator-1'), /未知的回复模板/);
      const listed = await texts.list();
      assert.deepEqual(
        listed.filter((e) => e.edited).map((e) => [e.key, e.content, e.edited?.by]),
        [['resubscribed', '好的，通知短信已恢复。', 'operator-1']],
      );
      await texts.reset('resubscribed');
      assert.equal(await rig.ask(M1, 'KT#'), '已恢复接收12333通知短信。');
    } finally {
      await rig.close();
    }
  });
}
