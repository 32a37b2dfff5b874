/**
 * Our gateway against our simulated SMSC over loopback: long messages in each of the three forms
 * reassembled on the handset, receipts tied back to the submit ids, configured refusals, uplinks,
 * and receipts sent again after a rebind until acknowledged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReceiptText } from '../../../src/protocols/smpp/index.js';
import { bound, gatewayConfig, noHandlesLeft, partsOf, startGateway } from './client-helpers.js';
import { RawEsme } from './raw-esme.js';
import { until } from '../simulator/wait.js';
import { SIM_ACCOUNT, SIM_SECRET, startSim } from './sim-helpers.js';

const LONG_ZH = '您好，您的社会保障卡已经制作完成，请携带身份证到就近的社保经办网点领取。'.repeat(3);
const LONG_EN = 'Your pension for May has been paid into your account. '.repeat(4);

for (const longMessage of ['udh', 'sar', 'payload'] as const) {
  test(`gateway → simulator by ${longMessage}: long Chinese and ASCII messages reach the handsets whole, receipts come back`, async () => {
    const sim = await startSim();
    const { gateway, recorder } = startGateway(
      gatewayConfig(sim.port, { account: SIM_ACCOUNT, secret: SIM_SECRET }, { longMessage }),
    );
    try {
      await bound(gateway, recorder);
      const zh = partsOf(LONG_ZH, '13800138000', 0x11, 1, gateway.textProfile);
      const en = partsOf(LONG_EN, '13900139000', 0x12, 2, gateway.textProfile);
      assert.ok(zh.length > 1 && en.length > 1);
      const outcomes = await gateway.submit([...zh, ...en]);
      assert.ok(outcomes.every((o) => o.kind === 'accepted'));
      const ids = new Set(outcomes.map((o) => o.carrierMsgId));
      assert.deepEqual(
        sim.core.handsets.inbox().map((m) => [m.mobile, m.from, m.text]),
        [
          ['13800138000', '1065712333', LONG_ZH],
          ['13900139000', '1065712333', LONG_EN],
        ],
      );
      const expectedReports = longMessage === 'payload' ? 2 : zh.length + en.length;
      await recorder.signal.until(() => recorder.reports.length === expectedReports, 'every receipt');
      assert.ok(recorder.reports.every((r) => ids.has(r.carrierMsgId) && r.stat === 'DELIVRD'));
      assert.deepEqual(
        new Set(recorder.reports.map((r) => r.mobile)),
        new Set(['13800138000', '13900139000']),
      );
      await until(() => sim.core.stats().reportsAcked === expectedReports, 'receipts acknowledged');
      assert.equal(sim.core.stats().duplicates, 0);
    } finally {
      await gateway.close();
      await sim.close();
    }
  });
}

test('failRate 1: receipts say UNDELIV with message_state 5; configured refusals map onto SMPP statuses', async () => {
  const sim = await startSim({ failRate: 1 });
  const { gateway, recorder } = startGateway(
    gatewayConfig(sim.port, { account: SIM_ACCOUNT, secret: SIM_SECRET, requestTimeoutMs: 300 }),
  );
  try {
    await bound(gateway, recorder);
    const [ok] = await gateway.submit(partsOf('hello'));
    assert.equal(ok?.kind, 'accepted');
    await recorder.signal.until(() => recorder.reports.length === 1, 'the receipt');
    assert.equal(recorder.reports[0]!.stat, 'UNDELIV');
    const codes = [];
    for (const submitResult of [8, 13, 20]) {
      sim.core.configure({ submitResult });
      const [o] = await gateway.submit(partsOf('x'));
      codes.push([o?.kind, o?.kind === 'accepted' ? '' : o?.code]);
    }
    assert.deepEqual(codes, [
      ['retry', 'SMPP:0x58'],
      ['rejected', 'SMPP:0x0b'],
      ['retry', 'SMPP:0x14'],
    ]);
    sim.core.configure({ submitResult: 0, answerSubmits: false });
    const [silent] = await gateway.submit(partsOf('y'));
    assert.equal(silent?.kind === 'unanswered' && silent.code, 'SMPP:TIMEOUT');
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test('uplinks: GSM 7-bit, UCS-2, and a long one as UDH segments reach the uplink handler', async () => {
  const sim = await startSim();
  const { gateway, recorder } = startGateway(
    gatewayConfig(sim.port, { account: SIM_ACCOUNT, secret: SIM_SECRET }),
  );
  try {
    await bound(gateway, recorder);
    sim.injectMo({ from: '13800138000', to: '1065712333', text: 'CBXX#{ok}' });
    sim.injectMo({ from: '8613900139000', to: '106571233301', text: '查询养老金' });
    const long = '我要办理社保卡挂失，'.repeat(10);
    assert.deepEqual(sim.injectMo({ from: '13700137000', to: '1065712333', text: long }), { segments: 2 });
    await recorder.signal.until(() => recorder.uplinks.length === 4, 'four uplink segments');
    const [gsm, ucs2, ...parts] = recorder.uplinks;
    assert.deepEqual(
      [gsm?.mobile, gsm?.destId, gsm?.text, gsm?.concat],
      ['13800138000', '1065712333', 'CBXX#{ok}', null],
    );
    assert.deepEqual([ucs2?.mobile, ucs2?.destId, ucs2?.text], ['13900139000', '106571233301', '查询养老金']);
    assert.equal(parts.map((p) => p.text).join(''), long);
    assert.deepEqual(
      parts.map((p) => p.concat),
      [
        { reference: 2, total: 2, partNo: 1 },
        { reference: 2, total: 2, partNo: 2 },
      ],
    );
    await until(() => sim.core.stats().uplinksAcked === 4, 'uplinks acknowledged');
    assert.throws(() => sim.injectMo({ from: 'abc', to: '1', text: 'x' }), /from/);
  } finally {
    await gateway.close();
    await sim.close();
  }
});

test('a receipt is sent again after a rebind until acknowledged; its text and TLVs follow Appendix B', async () => {
  const sim = await startSim({ dlrDelayMs: 0 });
  const first = await RawEsme.connect(sim.port);
  try {
    await first.bind();
    const resp = await first.request(
      first.submitPdu({ dataCoding: 8, shortMessage: Buffer.from('4f60597d', 'hex') }),
    );
    assert.ok(resp.command === 'submit_sm_resp' && resp.messageId !== undefined);
    const id = resp.messageId;
    assert.match(id, /^[0-9a-f]+$/);
    await first.until(() => first.of('deliver_sm').length === 1, 'the receipt');
    const receipt = first.of('deliver_sm')[0]!;
    assert.deepEqual(
      [receipt.esmClass, receipt.sourceAddr, receipt.destinationAddr, receipt.tlvs],
      [4, '8613800138000', '10657', { receiptedMessageId: id, messageState: 2 }],
    );
    const text = parseReceiptText(receipt.shortMessage.toString('latin1'));
    assert.ok(text);
    assert.equal(
      text.id,
      BigInt(`0x${id}`).toString(10).padStart(10, '0'),
      'decimal in the text, hex in the TLV',
    );
    assert.deepEqual(
      [text.sub, text.dlvrd, text.stat, text.err, text.text],
      ['001', '001', 'DELIVRD', '000', '??'],
    );
    assert.match(text.submitDate ?? '', /^\d{10}$/);
    await first.close(); // never answered
    const second = await RawEsme.connect(sim.port);
    await second.bind('bind_receiver');
    await second.until(() => second.of('deliver_sm').length === 1, 'the receipt again');
    const again = second.of('deliver_sm')[0]!;
    assert.equal(again.tlvs?.receiptedMessageId, id);
    second.send({
      command: 'deliver_sm_resp',
      commandStatus: 0,
      sequenceNumber: again.sequenceNumber,
      messageId: '',
    });
    await until(() => sim.core.stats().reportsAcked === 1, 'acknowledged');
    assert.deepEqual([sim.core.stats().reportsSent, sim.core.stats().reportsPending], [2, 0]);
    await second.close();
  } finally {
    await first.close();
    await sim.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
