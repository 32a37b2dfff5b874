/**
 * CMPP client against a scripted fake ISMG over loopback: binding, submit outcomes, long messages,
 * reports and uplinks with DELIVER_RESP after the handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import { cmppMsgIdText, encodeCmppReport, type CmppPduOf } from '../../../src/protocols/cmpp/index.js';
import { FakeIsmg } from './fake-ismg.js';
import { bound, gatewayConfig, noHandlesLeft, partsOf, roundTrip, startGateway } from './client-helpers.js';

const deliver = (
  fields: Partial<CmppPduOf<'CMPP_DELIVER'>> & { msgContent: Buffer },
): CmppPduOf<'CMPP_DELIVER'> => ({
  command: 'CMPP_DELIVER',
  sequenceId: 501,
  msgId: 99n,
  destId: '1065712333',
  serviceId: '',
  tpPid: 0,
  tpUdhi: 0,
  msgFmt: 0,
  srcTerminalId: '8613800138000',
  registeredDelivery: 0,
  ...fields,
});

test('cmpp3: submit is accepted; a report reaches the handler and DELIVER_RESP follows only after it settles', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp3' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp3'));
  try {
    await bound(gateway, recorder);
    assert.equal(gateway.capacity(), 32, 'a free window plus one window of queue');
    const parts = partsOf('您好，您的社保卡已制好，请到网点领取。');
    const [outcome] = await gateway.submit(parts);
    assert.ok(outcome?.kind === 'accepted');

    const [submit] = ismg.of('CMPP_SUBMIT');
    assert.ok(submit);
    assert.equal(
      outcome.carrierMsgId,
      cmppMsgIdText(ismg.issued[0]!),
      'carrierMsgId is the SUBMIT_RESP Msg_Id in decimal',
    );
    assert.deepEqual(
      { ...submit, sequenceId: 0 },
      {
        command: 'CMPP_SUBMIT',
        sequenceId: 0,
        msgId: 0n,
        pkTotal: 1,
        pkNumber: 1,
        registeredDelivery: 1,
        msgLevel: 0,
        serviceId: 'HRSS12333',
        feeUserType: 2,
        feeTerminalId: '',
        feeTerminalType: 0,
        tpPid: 0,
        tpUdhi: 0,
        msgFmt: 8,
        msgSrc: '901234',
        feeType: '01',
        feeCode: '000000',
        valIdTime: '',
        atTime: '',
        srcId: '1065712333',
        destTerminalId: ['13800138000'],
        destTerminalType: 0,
        msgContent: Buffer.from(parts[0]!.segment.payload),
        linkId: '',
      },
    );

    let release = (): void => undefined;
    recorder.reply = () => new Promise<void>((resolve) => (release = resolve));
    const content = encodeCmppReport('cmpp3', {
      msgId: BigInt(outcome.carrierMsgId),
      stat: 'DELIVRD',
      submitTime: '2401021504',
      doneTime: '2401021505',
      destTerminalId: '8613800138000',
      smscSequence: 1,
    });
    ismg.connections[0]!.send(deliver({ registeredDelivery: 1, msgContent: content }));
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    const report = recorder.reports[0]!;
    assert.deepEqual(
      { ...report, receivedAt: 0 },
      {
        gatewayId: 'gw-test',
        carrierMsgId: outcome.carrierMsgId,
        stat: 'DELIVRD',
        mobile: '13800138000',
        doneAt: Date.UTC(2024, 0, 2, 7, 5), // 15:05 Beijing
        receivedAt: 0,
      },
    );
    await roundTrip(ismg);
    assert.equal(ismg.of('CMPP_DELIVER_RESP').length, 0, 'no DELIVER_RESP while the handler is pending');
    release();
    await ismg.until(() => ismg.of('CMPP_DELIVER_RESP').length === 1, 'DELIVER_RESP');
    assert.deepEqual(ismg.of('CMPP_DELIVER_RESP')[0], {
      command: 'CMPP_DELIVER_RESP',
      sequenceId: 501,
      msgId: 99n,
      result: 0,
    });
    assert.equal(gateway.status().counters.reports, 1);
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('cmpp2: uplinks are decoded by Msg_Fmt after their UDH; a failing handler gets Result 9; a bad report Result 1', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2'));
  try {
    await bound(gateway, recorder);
    const conn = ismg.connections[0]!;
    conn.send(
      deliver({
        sequenceId: 1,
        msgId: 11n,
        tpUdhi: 1,
        msgFmt: 8,
        msgContent: Buffer.concat([concatUdh(9, 2, 1), Buffer.from('4f60597d', 'hex')]),
      }),
    );
    conn.send(deliver({ sequenceId: 2, msgId: 12n, msgFmt: 15, msgContent: Buffer.from('c4e3bac3', 'hex') })); // "你好" in GBK
    conn.send(
      deliver({
        sequenceId: 3,
        msgId: 13n,
        msgFmt: 0,
        srcTerminalId: '13900139000',
        msgContent: Buffer.from('TD'),
      }),
    );
    await ismg.until(() => ismg.of('CMPP_DELIVER_RESP').length === 3, 'three DELIVER_RESPs');
    assert.deepEqual(
      recorder.uplinks.map((u) => ({ ...u, receivedAt: 0 })),
      [
        {
          gatewayId: 'gw-test',
          carrierMsgId: '11',
          mobile: '13800138000',
          destId: '1065712333',
          text: '你好',
          receivedAt: 0,
          concat: { reference: 9, total: 2, partNo: 1 },
        },
        {
          gatewayId: 'gw-test',
          carrierMsgId: '12',
          mobile: '13800138000',
          destId: '1065712333',
          text: '你好',
          receivedAt: 0,
          concat: null,
        },
        {
          gatewayId: 'gw-test',
          carrierMsgId: '13',
          mobile: '13900139000',
          destId: '1065712333',
          text: 'TD',
          receivedAt: 0,
          concat: null,
        },
      ],
    );
    assert.deepEqual(
      ismg.of('CMPP_DELIVER_RESP').map((r) => [r.sequenceId, r.msgId, r.result]),
      [
        [1, 11n, 0],
        [2, 12n, 0],
        [3, 13n, 0],
      ],
    );

    recorder.reply = () => Promise.reject(new Error('database down'));
    conn.send(deliver({ sequenceId: 4, msgId: 14n, msgContent: Buffer.from('hello') }));
    conn.send(deliver({ sequenceId: 5, msgId: 15n, registeredDelivery: 1, msgContent: Buffer.alloc(10) }));
    await ismg.until(() => ismg.of('CMPP_DELIVER_RESP').length === 5, 'two more DELIVER_RESPs');
    const results = new Map(ismg.of('CMPP_DELIVER_RESP').map((r) => [r.sequenceId, r.result]));
    assert.equal(results.get(4), 9, 'handler rejected → Result 9');
    assert.equal(results.get(5), 1, 'undecodable report → Result 1 (bad structure), handler not called');
    assert.equal(recorder.reports.length, 0);
    assert.equal(gateway.status().state, 'bound', 'peer data problems in a DELIVER do not cost the link');
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('a long message goes out as one SUBMIT per segment with Pk_total / Pk_number and the UDH', async () => {
  for (const version of ['cmpp2', 'cmpp3'] as const) {
    const ismg = await FakeIsmg.start({ version });
    const { gateway, recorder } = startGateway(gatewayConfig(ismg, version));
    try {
      await bound(gateway, recorder);
      const text = '社会保障卡'.repeat(30); // 150 UCS-2 characters: 3 segments of ≤ 67
      const parts = partsOf(text, '13800138000', 0x42);
      assert.equal(parts.length, 3);
      const outcomes = await gateway.submit(parts);
      assert.equal(outcomes.length, 3);
      const ids = outcomes.map((o) => (o.kind === 'accepted' ? o.carrierMsgId : null));
      assert.ok(ids.every((id) => id !== null));
      assert.equal(new Set(ids).size, 3);
      const submits = ismg.of('CMPP_SUBMIT').sort((a, b) => a.pkNumber - b.pkNumber);
      assert.deepEqual(
        submits.map((s) => [s.pkTotal, s.pkNumber, s.tpUdhi, s.msgFmt]),
        [
          [3, 1, 1, 8],
          [3, 2, 1, 8],
          [3, 3, 1, 8],
        ],
      );
      submits.forEach((s, i) => {
        assert.equal(s.msgContent.subarray(0, 6).toString('hex'), `05000342030${i + 1}`);
        assert.deepEqual(s.msgContent.subarray(6), Buffer.from(parts[i]!.segment.payload));
      });
    } finally {
      await gateway.close();
      await ismg.close();
    }
  }
});

test('Result 8 (flow control) is retry, another Result is rejected with CMPP:<n>, an unencodable part is rejected', async () => {
  const results = [8, 13];
  const ismg = await FakeIsmg.start({ version: 'cmpp3', submit: () => ({ result: results.shift() ?? 0 }) });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp3'));
  try {
    await bound(gateway, recorder);
    const [throttled] = await gateway.submit(partsOf('a'));
    const [refused] = await gateway.submit(partsOf('b'));
    assert.deepEqual(throttled, { kind: 'retry', code: 'CMPP:8', reason: '流量控制错 flow control' });
    assert.deepEqual(refused, {
      kind: 'rejected',
      code: 'CMPP:13',
      reason: 'Dest_terminal_Id错误 bad Dest_terminal_Id',
    });
    const [tooLong] = await gateway.submit(partsOf('c').map((p) => ({ ...p, srcId: '1'.repeat(22) })));
    assert.ok(tooLong?.kind === 'rejected');
    assert.equal(tooLong.code, 'CMPP:ENCODE');
    const [fine] = await gateway.submit(partsOf('d'));
    assert.equal(fine?.kind, 'accepted', 'the link survives a local encode error');
    assert.deepEqual(
      [
        gateway.status().counters.retried,
        gateway.status().counters.rejected,
        gateway.status().counters.accepted,
      ],
      [1, 2, 1],
    );
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('a wrong password: CONNECT refused with Status 3, lastError says so, the gateway keeps trying and answers retry', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2', secret: 'not-our-secret' });
  const { gateway, recorder } = startGateway(gatewayConfig(ismg, 'cmpp2', { requestTimeoutMs: 300 }));
  try {
    await ismg.until(() => ismg.of('CMPP_CONNECT').length >= 3, 'three CONNECT attempts');
    const status = gateway.status();
    assert.equal(status.bound, 0);
    assert.notEqual(status.state, 'bound');
    assert.match(
      status.lastError ?? '',
      /gateway authentication failed: .*Status 3 认证错 authentication error/,
    );
    assert.ok(status.counters.errors >= 2);
    assert.ok(status.counters.reconnects >= 2);
    assert.equal(gateway.capacity(), 0);
    const [outcome] = await gateway.submit(partsOf('x'));
    assert.ok(outcome?.kind === 'retry');
    assert.equal(outcome.code, 'CMPP:NO_LINK');
    assert.ok(recorder.states.every((s) => s.bound === 0));
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('an ISMG whose AuthenticatorISMG does not check out is not trusted', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp3', badIsmgAuthenticator: true });
  const { gateway } = startGateway(gatewayConfig(ismg, 'cmpp3'));
  try {
    await ismg.until(() => ismg.connections.length >= 2, 'a reconnect');
    assert.equal(gateway.status().bound, 0);
    assert.match(gateway.status().lastError ?? '', /AuthenticatorISMG/);
  } finally {
    await gateway.close();
    await ismg.close();
  }
});

test('submit before start or after close answers retry at once', async () => {
  const ismg = await FakeIsmg.start({ version: 'cmpp2' });
  const { gateway } = startGateway(gatewayConfig(ismg, 'cmpp2'));
  await gateway.close();
  const [after] = await gateway.submit(partsOf('x'));
  assert.equal(after?.kind, 'retry');
  assert.equal(gateway.status().state, 'closed');
  await ismg.close();
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
