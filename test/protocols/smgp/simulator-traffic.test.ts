/**
 * Submits, reports and uplinks through the simulated SMGW, driven by a bare SP: MsgID layout
 * (§6.2.26), the report Deliver (§6.2.63), long messages reassembled on the handset, refusals and
 * the configurable answers, uplinks short and long, resent until acknowledged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBeijing } from '../../../src/domain/beijing-time.js';
import { concatUdh, decodeText, splitUserData } from '../../../src/domain/text/index.js';
import {
  parseSmgpMsgId,
  parseSmgpReport,
  REPORT_ERR,
  smgpMsgIdText,
  type SmgpPduOf,
} from '../../../src/protocols/smgp/index.js';
import { loggedIn, startSim, ucs2 } from './sim-helpers.js';
import { until } from '../simulator/wait.js';

test('MsgID: BCD with the SMGW code, Beijing MMDDHHMM now and a rising sequence', async (t) => {
  const sim = await startSim(t, { dlrDelayMs: 60_000 });
  const client = await loggedIn(t, sim);
  const before = toBeijing(Date.now());
  const first = await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('一') });
  const second = await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('二') });
  const after = toBeijing(Date.now());
  const a = parseSmgpMsgId(first.msgId);
  const b = parseSmgpMsgId(second.msgId);
  assert.ok(a && b, 'both ids are BCD');
  assert.equal(a.smgwCode, '010061');
  assert.ok(
    [before, after].some(
      (w) => w.month === a.month && w.day === a.day && w.hour === a.hour && w.minute === a.minute,
    ),
    `MsgID time ${JSON.stringify(a)} is the submit's minute`,
  );
  assert.equal(b.sequence, a.sequence + 1);
  assert.deepEqual(sim.core.handsets.inbox('13300133000')[0]?.msgIds, [smgpMsgIdText(first.msgId)]);
});

test('the report comes after the delay as a Deliver with IsReport 1 and the report text right', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  const resp = await client.submit({
    srcTermId: '106591233301',
    destTermId: ['8613300133000'],
    msgContent: ucs2('回执'),
  });
  const deliver = await client.next('SMGP_DELIVER');
  assert.deepEqual(
    [deliver.isReport, deliver.msgFormat, deliver.srcTermId, deliver.destTermId, deliver.msgContent.length],
    [1, 0, '8613300133000', '106591233301', 122],
  );
  assert.match(deliver.recvTime, /^\d{14}$/);
  const report = parseSmgpReport(deliver.msgContent);
  assert.ok(report.ok);
  assert.deepEqual(report.value.id, resp.msgId, 'the report names the Submit_Resp MsgID');
  assert.deepEqual(
    [report.value.sub, report.value.dlvrd, report.value.stat, report.value.err],
    ['001', '001', 'DELIVRD', '000'],
  );
  assert.match(report.value.doneDate, /^\d{10}$/);
  assert.notDeepEqual(deliver.msgId, resp.msgId, 'the Deliver has its own MsgID');
  await until(() => sim.core.stats().reportsAcked === 1, 'the report acknowledged');
  assert.deepEqual(
    sim.core.handsets.inbox('13300133000').map((e) => e.text),
    ['回执'],
  );
});

test('failRate 1: every message is reported UNDELIV with an Err the spec pairs with UNDELIV', async (t) => {
  const sim = await startSim(t, { failRate: 1 });
  const client = await loggedIn(t, sim);
  for (const text of ['一', '二', '三'])
    await client.submit({ destTermId: ['13300133000'], msgContent: ucs2(text) });
  for (let i = 0; i < 3; i++) {
    const report = parseSmgpReport((await client.next('SMGP_DELIVER')).msgContent);
    assert.ok(report.ok);
    assert.equal(report.value.stat, 'UNDELIV');
    assert.equal(report.value.dlvrd, '000');
    assert.equal(REPORT_ERR[report.value.err]?.stat, 'UNDELIV', `Err ${report.value.err}`);
  }
  assert.equal(sim.core.stats().failed, 3);
});

test('a long message (TP_udhi, PkTotal, PkNumber TLVs) reaches the handset reassembled, in any order', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  const parts = ['第一段，', '第二段，', '第三段。'];
  const ids: string[] = [];
  for (const i of [2, 0, 1]) {
    const resp = await client.submit({
      destTermId: ['13300133000'],
      msgContent: Buffer.concat([concatUdh(0x42, 3, i + 1), ucs2(parts[i]!)]),
      options: { tpUdhi: 1, pkTotal: 3, pkNumber: i + 1 },
    });
    assert.equal(resp.status, 0);
    ids[i] = smgpMsgIdText(resp.msgId);
  }
  const [entry] = sim.core.handsets.inbox('13300133000');
  assert.deepEqual(
    [entry?.text, entry?.segments, entry?.msgIds, entry?.from],
    [parts.join(''), 3, ids, '1065912333'],
  );
});

test('refusals: MsgType 30, no DestTermID 47, too long 36, PkNumber beyond PkTotal or a bad UDH 10', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  const status = async (fields: Parameters<typeof client.submit>[0]): Promise<number> =>
    (await client.submit(fields)).status;
  assert.equal(await status({ msgType: 0, destTermId: ['13300133000'], msgContent: ucs2('x') }), 30);
  assert.equal(await status({ destTermId: [], msgContent: ucs2('x') }), 47);
  assert.equal(await status({ destTermId: ['13300133000'], msgContent: Buffer.alloc(142) }), 36);
  assert.equal(
    await status({ msgFormat: 0, destTermId: ['13300133000'], msgContent: Buffer.alloc(159, 0x41) }),
    0,
  );
  const options = { tpUdhi: 1, pkTotal: 2, pkNumber: 3 };
  assert.equal(await status({ destTermId: ['13300133000'], msgContent: ucs2('x'), options }), 10);
  const badUdh = {
    destTermId: ['13300133000'],
    msgContent: Buffer.from('0900', 'hex'),
    options: { tpUdhi: 1 },
  };
  assert.equal(await status(badUdh), 10);
  assert.equal(sim.core.stats().segments, 1);
});

test('configured answers: submitResult 1 refuses and records nothing; answerSubmits false stays silent', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  sim.core.configure({ submitResult: 1 });
  const busy = await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('忙') });
  assert.deepEqual([busy.status, busy.msgId], [1, Buffer.alloc(10)]);
  sim.core.configure({ submitResult: 0, answerSubmits: false });
  client.send(client.submitPdu({ destTermId: ['13300133000'], msgContent: ucs2('静') }));
  await until(() => sim.core.stats().submits === 2, 'the silent submit counted');
  sim.core.configure({ answerSubmits: true });
  assert.equal((await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('好') })).status, 0);
  assert.equal(
    client.received.filter((p) => p.command === 'SMGP_SUBMIT_RESP').length,
    0,
    'no answer to the silent one',
  );
  assert.equal(sim.core.stats().segments, 1);
});

/** The text of uplink Delivers, reassembled by their UDH. */
function moText(delivers: SmgpPduOf<'SMGP_DELIVER'>[]): string {
  return delivers
    .map((d) => {
      const split = splitUserData(d.msgContent, d.options?.tpUdhi === 1);
      assert.ok(split.ok);
      return {
        part: split.concat?.partNo ?? 1,
        text: decodeText(split.payload, d.msgFormat === 8 ? 'ucs2' : 'ascii'),
      };
    })
    .sort((a, b) => a.part - b.part)
    .map((p) => p.text)
    .join('');
}

test('uplinks reach the SP as Delivers with IsReport 0: short and long, Chinese and ASCII', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  const cases = [
    { text: '收到，谢谢', segments: 1, msgFormat: 8 },
    { text: 'CBXX#', segments: 1, msgFormat: 0 },
    {
      text: '我想咨询一下养老保险待遇资格认证的办理流程和需要携带的材料，'.repeat(3),
      segments: 2,
      msgFormat: 8,
    },
    { text: 'BD#210102199001011234#'.repeat(8), segments: 2, msgFormat: 0 },
  ];
  for (const c of cases) {
    assert.equal(
      sim.injectMo({ from: '13300133000', to: '10659123330199', text: c.text }).segments,
      c.segments,
    );
    const delivers: SmgpPduOf<'SMGP_DELIVER'>[] = [];
    for (let i = 0; i < c.segments; i++) delivers.push(await client.next('SMGP_DELIVER'));
    for (const d of delivers) {
      assert.deepEqual(
        [d.isReport, d.srcTermId, d.destTermId, d.msgFormat, d.options?.tpUdhi],
        [0, '13300133000', '10659123330199', c.msgFormat, c.segments > 1 ? 1 : undefined],
      );
    }
    assert.equal(moText(delivers), c.text);
  }
  await until(() => sim.core.stats().uplinksAcked === 6, 'uplinks acknowledged');
  assert.throws(() => sim.injectMo({ from: '1'.repeat(22), to: '10659', text: 'x' }), /21/);
});

test('what is not acknowledged goes out again after re-login; a Deliver_Resp error waits for the next login', async (t) => {
  const sim = await startSim(t);
  const first = await loggedIn(t, sim, { autoAck: false });
  sim.injectMo({ from: '13300133000', to: '1065912333', text: '在吗' });
  const resp = await first.submit({ destTermId: ['13300133000'], msgContent: ucs2('回执') });
  const lost = [await first.next('SMGP_DELIVER'), await first.next('SMGP_DELIVER')];
  await first.close();
  assert.deepEqual([sim.core.stats().reportsPending, sim.core.stats().uplinksAcked], [1, 0]);

  const second = await loggedIn(t, sim, { autoAck: false });
  const again = [await second.next('SMGP_DELIVER'), await second.next('SMGP_DELIVER')];
  const key = (d: SmgpPduOf<'SMGP_DELIVER'>): string => `${d.isReport}:${d.msgId.toString('hex')}`;
  assert.deepEqual(again.map(key).sort(), lost.map(key).sort(), 'the same Delivers, same MsgIDs');
  const body = parseSmgpReport(again.find((d) => d.isReport === 1)!.msgContent);
  assert.ok(body.ok);
  assert.deepEqual(body.value.id, resp.msgId);
  for (const d of again) second.ack(d, 1); // system busy: not taken
  await second.close();

  await loggedIn(t, sim);
  await until(
    () => sim.core.stats().reportsAcked === 1 && sim.core.stats().uplinksAcked === 1,
    'taken at last',
  );
  assert.equal(sim.core.stats().reportsSent, 3);
});
