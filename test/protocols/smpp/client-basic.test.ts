/**
 * SMPP gateway against a scripted fake SMSC over loopback: binding, submit_sm as the SMSC sees it,
 * outcomes by command_status, receipts and uplinks with deliver_sm_resp after the handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh, encodeGsm7 } from '../../../src/domain/text/index.js';
import { FakeSmsc } from './fake-smsc.js';
import {
  bound,
  deliverSm,
  gatewayConfig,
  noHandlesLeft,
  partsOf,
  roundTrip,
  startGateway,
} from './client-helpers.js';

const RECEIPT = (id: string, stat = 'DELIVRD'): Buffer =>
  Buffer.from(
    `id:${id} sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 stat:${stat} err:000 text:`,
  );

test('bind_transceiver with the credentials; submit accepted with the message_id; a receipt reaches the handler before deliver_sm_resp', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, {}, { systemType: 'HRSS' }));
  try {
    await bound(gateway, recorder);
    const [bind] = smsc.of('bind_transceiver');
    assert.deepEqual(
      { ...bind, sequenceNumber: 0 },
      {
        command: 'bind_transceiver',
        commandStatus: 0,
        sequenceNumber: 0,
        systemId: '901234',
        password: 'secret',
        systemType: 'HRSS',
        interfaceVersion: 0x34,
        addrTon: 0,
        addrNpi: 0,
        addressRange: '',
      },
    );
    assert.equal(gateway.textProfile, 'gsm');
    assert.equal(gateway.capacity(), 32, 'a free window plus one window of queue');
    const parts = partsOf('您好，您的社保卡已制好，请到网点领取。');
    const [outcome] = await gateway.submit(parts);
    assert.ok(outcome?.kind === 'accepted');
    assert.equal(outcome.carrierMsgId, smsc.issued[0]!.toLowerCase(), 'the message_id, normalised');
    const [submit] = smsc.of('submit_sm');
    assert.deepEqual(
      { ...submit, sequenceNumber: 0 },
      {
        command: 'submit_sm',
        commandStatus: 0,
        sequenceNumber: 0,
        serviceType: '',
        sourceAddrTon: 0,
        sourceAddrNpi: 0,
        sourceAddr: '1065712333',
        destAddrTon: 1,
        destAddrNpi: 1,
        destinationAddr: '8613800138000',
        esmClass: 0,
        protocolId: 0,
        priorityFlag: 0,
        scheduleDeliveryTime: '',
        validityPeriod: '',
        registeredDelivery: 1,
        replaceIfPresentFlag: 0,
        dataCoding: 8,
        smDefaultMsgId: 0,
        shortMessage: Buffer.from(parts[0]!.segment.payload),
        tlvs: {},
      },
    );

    let release = (): void => undefined;
    recorder.reply = () => new Promise<void>((resolve) => (release = resolve));
    const link = smsc.link();
    link.send(
      deliverSm({
        esmClass: 4,
        shortMessage: RECEIPT('0059113968'),
        tlvs: { receiptedMessageId: smsc.issued[0]!, messageState: 2 },
      }),
    );
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    assert.deepEqual(
      { ...recorder.reports[0], receivedAt: 0 },
      {
        gatewayId: 'gw-smpp',
        carrierMsgId: outcome.carrierMsgId,
        stat: 'DELIVRD',
        mobile: '13800138000',
        doneAt: Date.UTC(2024, 0, 2, 7, 5),
        receivedAt: 0,
      },
    );
    await roundTrip(smsc);
    assert.equal(smsc.of('deliver_sm_resp').length, 0, 'no deliver_sm_resp while the handler is pending');
    release();
    await smsc.until(() => smsc.of('deliver_sm_resp').length === 1, 'deliver_sm_resp');
    assert.deepEqual(smsc.of('deliver_sm_resp')[0], {
      command: 'deliver_sm_resp',
      commandStatus: 0,
      sequenceNumber: 501,
      messageId: '',
      tlvs: {},
    });
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('a receipt with only a decimal id: in the text is matched to the hex message_id it stands for', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    const [outcome] = await gateway.submit(partsOf('Your card is ready'));
    assert.ok(outcome?.kind === 'accepted');
    const decimal = BigInt(`0x${smsc.issued[0]!}`).toString(10).padStart(10, '0');
    smsc.link().send(deliverSm({ esmClass: 4, shortMessage: RECEIPT(decimal, 'UNDELIV') }));
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    assert.equal(recorder.reports[0]!.carrierMsgId, outcome.carrierMsgId);
    assert.equal(recorder.reports[0]!.stat, 'UNDELIV');
    const [ascii] = smsc.of('submit_sm');
    assert.ok(ascii);
    assert.equal(ascii.dataCoding, 0, 'GSM 7-bit text goes as data_coding 0');
    assert.deepEqual(ascii.shortMessage, Buffer.from(encodeGsm7('Your card is ready')));
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

for (const longMessage of ['udh', 'sar', 'payload'] as const) {
  test(`long messages by ${longMessage}: Chinese and ASCII`, async () => {
    const smsc = await FakeSmsc.start();
    const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, {}, { longMessage }));
    try {
      await bound(gateway, recorder);
      const profile = gateway.textProfile;
      const chinese = partsOf('社会保障卡'.repeat(30), '13800138000', 0x42, 1, profile); // 150 UCS-2: 3 parts
      const ascii = partsOf('Pension notice. '.repeat(12), '13900139000', 0x43, 2, profile); // 192 septets: 2 parts
      assert.deepEqual([chinese.length, ascii.length], [3, 2]);
      // SAR carries the concatenation in TLVs: a segment holds 140 octets, not 134.
      assert.equal(chinese[0]!.segment.payload.length, longMessage === 'sar' ? 140 : 134);
      const outcomes = await gateway.submit([...chinese, ...ascii]);
      assert.equal(outcomes.length, 5);
      assert.ok(outcomes.every((o) => o.kind === 'accepted'));
      const submits = smsc.of('submit_sm');
      const ids = outcomes.map((o) => o.carrierMsgId);
      if (longMessage === 'payload') {
        assert.equal(submits.length, 2, 'one submit_sm per message');
        assert.equal(new Set(ids.slice(0, 3)).size, 1, 'the parts of a message share its one id');
        const byDest = new Map(submits.map((s) => [s.destinationAddr, s]));
        const zh = byDest.get('8613800138000')!;
        assert.equal(zh.shortMessage.length, 0);
        const payload = zh.tlvs?.messagePayload;
        assert.ok(payload);
        assert.equal(Buffer.from(payload).swap16().toString('utf16le'), '社会保障卡'.repeat(30));
        assert.equal(
          byDest.get('8613900139000')!.tlvs?.messagePayload?.toString('latin1'),
          'Pension notice. '.repeat(12),
        );
        return;
      }
      assert.equal(submits.length, 5);
      assert.equal(new Set(ids).size, 5);
      const zh = submits.filter((s) => s.destinationAddr === '8613800138000');
      for (const [i, s] of zh.entries()) {
        assert.equal(s.dataCoding, 8);
        if (longMessage === 'udh') {
          assert.equal(s.esmClass, 0x40);
          assert.equal(s.shortMessage.subarray(0, 6).toString('hex'), `05000342030${i + 1}`);
          assert.deepEqual(s.shortMessage.subarray(6), Buffer.from(chinese[i]!.segment.payload));
        } else {
          assert.equal(s.esmClass, 0);
          assert.deepEqual(s.tlvs, { sarMsgRefNum: 0x42, sarTotalSegments: 3, sarSegmentSeqnum: i + 1 });
          assert.deepEqual(s.shortMessage, Buffer.from(chinese[i]!.segment.payload));
        }
      }
    } finally {
      await gateway.close();
      await smsc.close();
    }
  });
}

test('outcomes: RTHROTTLED and RMSGQFUL retry, RINVDSTADR and generic_nack reject, an unencodable part is rejected', async () => {
  const statuses = [0x58, 0x14, 0x0b];
  const smsc = await FakeSmsc.start({
    submit: (pdu, conn) => {
      if (pdu.shortMessage.toString() === 'nack') {
        conn.send({ command: 'generic_nack', commandStatus: 0x03, sequenceNumber: pdu.sequenceNumber });
        return 'hold';
      }
      return { status: statuses.shift() ?? 0 };
    },
  });
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    const answers = [];
    for (const text of ['a', 'b', 'c', 'nack']) answers.push((await gateway.submit(partsOf(text)))[0]);
    assert.deepEqual(
      answers.map((o) => [o?.kind, o?.kind === 'accepted' ? '' : o?.code]),
      [
        ['retry', 'SMPP:0x58'],
        ['retry', 'SMPP:0x14'],
        ['rejected', 'SMPP:0x0b'],
        ['rejected', 'SMPP:0x03'],
      ],
    );
    const [tooLong] = await gateway.submit(partsOf('x').map((p) => ({ ...p, srcId: '1'.repeat(21) })));
    assert.equal(tooLong?.kind === 'rejected' && tooLong.code, 'SMPP:ENCODE');
    const [fine] = await gateway.submit(partsOf('d'));
    assert.equal(fine?.kind, 'accepted', 'the link survives all of it');
    const { counters } = gateway.status();
    assert.deepEqual([counters.retried, counters.rejected, counters.accepted], [2, 3, 1]);
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('uplinks by data_coding and UDH; a failing handler gets ESME_RSYSERR; an unreadable receipt ESME_RX_R_APPN', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    const link = smsc.link();
    link.send(deliverSm({ sequenceNumber: 1, shortMessage: Buffer.from(encodeGsm7('TD')) }));
    link.send(
      deliverSm({
        sequenceNumber: 2,
        esmClass: 0x40,
        dataCoding: 8,
        shortMessage: Buffer.concat([concatUdh(9, 2, 1), Buffer.from('4f60597d', 'hex')]),
      }),
    );
    await smsc.until(() => smsc.of('deliver_sm_resp').length === 2, 'two deliver_sm_resp');
    assert.deepEqual(
      recorder.uplinks.map((u) => [u.mobile, u.destId, u.text, u.concat]),
      [
        ['13800138000', '1065712333', 'TD', null],
        ['13800138000', '1065712333', '你好', { reference: 9, total: 2, partNo: 1 }],
      ],
    );
    recorder.reply = () => Promise.reject(new Error('database down'));
    link.send(deliverSm({ sequenceNumber: 3, shortMessage: Buffer.from('hi') }));
    link.send(deliverSm({ sequenceNumber: 4, esmClass: 4, shortMessage: Buffer.from('no id here') }));
    await smsc.until(() => smsc.of('deliver_sm_resp').length === 4, 'two more deliver_sm_resp');
    const statuses = new Map(smsc.of('deliver_sm_resp').map((r) => [r.sequenceNumber, r.commandStatus]));
    assert.deepEqual(
      [statuses.get(1), statuses.get(2), statuses.get(3), statuses.get(4)],
      [0, 0, 0x08, 0x66],
    );
    assert.equal(recorder.reports.length, 0);
    assert.equal(gateway.status().state, 'bound');
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('a data_sm from the SMSC is an uplink too, answered by data_sm_resp after the handler', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    smsc.link().send({
      command: 'data_sm',
      commandStatus: 0,
      sequenceNumber: 31,
      serviceType: '',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '8613800138000',
      destAddrTon: 0,
      destAddrNpi: 0,
      destinationAddr: '1065712333',
      esmClass: 0,
      registeredDelivery: 0,
      dataCoding: 8,
      tlvs: { messagePayload: Buffer.from('67e58be2', 'hex') },
    });
    await smsc.until(() => smsc.of('data_sm_resp').length === 1, 'data_sm_resp');
    assert.deepEqual(
      smsc.of('data_sm_resp').map((r) => [r.sequenceNumber, r.commandStatus]),
      [[31, 0]],
    );
    assert.deepEqual(
      recorder.uplinks.map((u) => [u.mobile, u.text]),
      [['13800138000', '查询']],
    );
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('a wrong password: ESME_RINVPASWD in lastError, the gateway keeps trying and answers retry', async () => {
  const smsc = await FakeSmsc.start({ secret: 'other' });
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, { requestTimeoutMs: 300 }));
  try {
    await smsc.until(() => smsc.of('bind_transceiver').length >= 3, 'three binds');
    const status = gateway.status();
    assert.equal(status.bound, 0);
    assert.match(status.lastError ?? '', /gateway authentication failed: .*ESME_RINVPASWD/);
    assert.ok(status.counters.reconnects >= 2);
    assert.equal(gateway.capacity(), 0);
    const [outcome] = await gateway.submit(partsOf('x'));
    assert.equal(outcome?.kind === 'retry' && outcome.code, 'SMPP:NO_LINK');
    assert.ok(recorder.states.every((s) => s.bound === 0));
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('pair mode: a transmitter and a receiver bind; submits go on the one, receipts come on the other', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, {}, { bindMode: 'pair' }));
  try {
    await bound(gateway, recorder, 2);
    assert.equal(smsc.of('bind_transmitter').length, 1);
    assert.equal(smsc.of('bind_receiver').length, 1);
    const [outcome] = await gateway.submit(partsOf('hello'));
    assert.ok(outcome?.kind === 'accepted');
    assert.equal(smsc.of('submit_sm', smsc.link('bind_transmitter')).length, 1);
    smsc
      .link('bind_receiver')
      .send(deliverSm({ esmClass: 4, tlvs: { receiptedMessageId: smsc.issued[0]!, messageState: 2 } }));
    await recorder.signal.until(() => recorder.reports.length === 1, 'the report');
    assert.equal(recorder.reports[0]!.stat, 'DELIVRD');
    smsc.link('bind_transmitter').send(deliverSm({ sequenceNumber: 9, shortMessage: Buffer.from('x') }));
    await smsc.until(() => smsc.of('deliver_sm_resp').length === 2, 'both answered');
    const refused = smsc.of('deliver_sm_resp').find((r) => r.sequenceNumber === 9);
    assert.equal(refused?.commandStatus, 0x04, 'a transmitter bind is not delivered to: ESME_RINVBNDSTS');
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test("the SMSC's enquire_link is answered, an unknown command gets generic_nack, its unbind is answered and the link comes back", async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    await roundTrip(smsc);
    const first = smsc.connections[0]!;
    first.socket.write(Buffer.from('00000010000000ff0000000000000063', 'hex')); // command_id 0xff
    await smsc.until(() => smsc.of('generic_nack', first).length === 1, 'generic_nack');
    assert.deepEqual(smsc.of('generic_nack')[0], {
      command: 'generic_nack',
      commandStatus: 3,
      sequenceNumber: 0x63,
    });
    first.send({ command: 'unbind', commandStatus: 0, sequenceNumber: 77 });
    await smsc.until(() => smsc.of('unbind_resp', first).some((p) => p.sequenceNumber === 77), 'unbind_resp');
    await smsc.until(
      () => first.closed && smsc.connections.length === 2,
      'the old link closed, a new one open',
    );
    await recorder.signal.until(() => gateway.status().bound === 1, 'bound again');
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('close() unbinds; submit after close answers retry at once', async () => {
  const smsc = await FakeSmsc.start();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  await bound(gateway, recorder);
  await gateway.close();
  assert.equal(smsc.of('unbind').length, 1);
  const [after] = await gateway.submit(partsOf('x'));
  assert.equal(after?.kind === 'retry' && after.code, 'SMPP:CLOSING');
  assert.equal(gateway.status().state, 'closed');
  await smsc.close();
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
