/**
 * CMPP_SUBMIT against the simulated ISMG: Msg_Id layout (docs/protocols.md §1.6), the status report (§1.7),
 * handsets with long-message reassembly (§1.9), duplicates, and the configurable answers.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fromBeijing, parseCarrierTime, toBeijing } from '../../../src/domain/beijing-time.js';
import { concatUdh } from '../../../src/domain/text/index.js';
import { decodeCmppReport, parseCmppMsgId, type CmppVersion } from '../../../src/protocols/cmpp/index.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../../src/protocols/simulator/index.js';
import { TestCmppClient, ucs2 } from '../simulator/cmpp-client.js';
import { until } from '../simulator/wait.js';

const ACCOUNT = '901234';
const SECRET = 'sim-secret';

async function rig(
  t: TestContext,
  version: CmppVersion,
  options: Partial<SimulatorOptions> = {},
): Promise<{ sim: Simulator; client: TestCmppClient }> {
  const sim = await startSimulator({
    protocol: version,
    port: 0,
    account: ACCOUNT,
    secret: SECRET,
    dlrDelayMs: 10,
    gatewayCode: 4321,
    ...options,
  });
  t.after(() => sim.close());
  const client = await TestCmppClient.open(sim.port, version);
  t.after(() => client.close());
  assert.equal((await client.login(ACCOUNT, SECRET)).status, 0);
  return { sim, client };
}

/** Epoch ms a Msg_Id names, taking the year from `near` (the id has none). */
function msgIdTime(id: bigint, near: number): number | null {
  const f = parseCmppMsgId(id);
  return fromBeijing({
    year: toBeijing(near).year,
    month: f.month,
    day: f.day,
    hour: f.hour,
    minute: f.minute,
    second: f.second,
  });
}

for (const version of ['cmpp3', 'cmpp2'] as const) {
  test(`${version}: Msg_Id carries Beijing time now, the gateway code and a rising sequence`, async (t) => {
    const { client } = await rig(t, version, { dlrDelayMs: 60_000 });
    const before = Date.now();
    const first = await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('一') });
    const second = await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('二') });
    const after = Date.now();
    assert.equal(first.result, 0);
    const a = parseCmppMsgId(first.msgId);
    const b = parseCmppMsgId(second.msgId);
    assert.equal(a.gatewayId, 4321);
    assert.equal(b.sequence, (a.sequence + 1) % 0x10000);
    const at = msgIdTime(first.msgId, before);
    assert.ok(
      at !== null && at >= Math.floor(before / 1000) * 1000 && at <= after,
      `Msg_Id time ${at} within the submit`,
    );
    assert.notEqual(first.msgId, second.msgId);
  });

  test(`${version}: the report comes after the delay, with the report body right`, async (t) => {
    const delay = 150;
    const { sim, client } = await rig(t, version, { dlrDelayMs: delay });
    const sent = Date.now();
    const resp = await client.submit({
      destTerminalId: ['13800138000'],
      srcId: '106571233301',
      msgContent: ucs2('您的社保卡已制作完成'),
    });
    const deliver = await client.next('CMPP_DELIVER');
    const arrived = Date.now();
    assert.ok(arrived - sent >= delay - 2, `report after ${arrived - sent} ms, delay ${delay}`);
    assert.equal(deliver.registeredDelivery, 1);
    assert.equal(deliver.srcTerminalId, '13800138000');
    assert.equal(deliver.destId, '106571233301');
    assert.equal(deliver.msgContent.length, version === 'cmpp3' ? 71 : 60);
    const report = decodeCmppReport(deliver.msgContent);
    assert.ok(report.ok);
    assert.equal(report.value.msgId, resp.msgId);
    assert.equal(report.value.stat, 'DELIVRD');
    assert.equal(report.value.destTerminalId, '13800138000');
    for (const field of [report.value.submitTime, report.value.doneTime]) {
      const ms = parseCarrierTime(field);
      assert.ok(
        ms !== null && ms <= arrived && ms >= Math.floor(sent / 60_000) * 60_000,
        `${field} is Beijing time now`,
      );
    }
    await until(() => sim.stats().reportsAcked === 1, 'the report acknowledged');
    const stats = sim.stats();
    assert.equal(stats.reportsSent, 1);
    assert.equal(stats.reportsPending, 0);
    assert.equal(stats.delivered, 1);
    assert.deepEqual(
      sim.inbox('13800138000').map((e) => [e.text, e.from, e.segments]),
      [['您的社保卡已制作完成', '106571233301', 1]],
    );
    assert.deepEqual(sim.inbox('13800138000')[0]?.msgIds, [BigInt.asUintN(64, resp.msgId).toString()]);
  });

  test(`${version}: failRate 1 reports every segment of a message UNDELIV`, async (t) => {
    const { sim, client } = await rig(t, version, { failRate: 1 });
    for (const part of [1, 2]) {
      const udh = Buffer.from(concatUdh(7, 2, part));
      await client.submit({
        destTerminalId: ['13900139000'],
        pkTotal: 2,
        pkNumber: part,
        tpUdhi: 1,
        msgContent: Buffer.concat([udh, ucs2(`第${part}段`)]),
      });
    }
    for (let i = 0; i < 2; i++) {
      const report = decodeCmppReport((await client.next('CMPP_DELIVER')).msgContent);
      assert.ok(report.ok);
      assert.equal(report.value.stat, 'UNDELIV');
    }
    assert.equal(sim.stats().failed, 1);
    assert.equal(sim.stats().delivered, 0);
  });

  test(`${version}: a long message is reassembled from segments in any order`, async (t) => {
    const { sim, client } = await rig(t, version);
    const parts = ['根据《社会保险法》', '规定，请于月底前', '完成资格认证。'];
    const ids: bigint[] = [];
    for (const partNo of [3, 1, 2]) {
      const udh = Buffer.from(concatUdh(42, 3, partNo));
      assert.equal(sim.inbox('13900139000').length, 0, 'not before every segment is in');
      const resp = await client.submit({
        destTerminalId: ['13900139000'],
        pkTotal: 3,
        pkNumber: partNo,
        tpUdhi: 1,
        msgContent: Buffer.concat([udh, ucs2(parts[partNo - 1]!)]),
      });
      ids[partNo - 1] = resp.msgId;
    }
    const inbox = sim.inbox('13900139000');
    assert.equal(inbox.length, 1);
    const entry = inbox[0]!;
    assert.equal(entry.text, parts.join(''));
    assert.equal(entry.segments, 3);
    assert.deepEqual(
      entry.msgIds,
      ids.map((id) => id.toString()),
    );
    assert.equal(sim.stats().segments, 3);
    assert.equal(sim.stats().messages, 1);
  });

  test(`${version}: segments are decoded by their own Msg_Fmt (ASCII, UCS-2, GB18030)`, async (t) => {
    const { sim, client } = await rig(t, version, { dlrDelayMs: 60_000 });
    await client.submit({
      destTerminalId: ['13700137000'],
      msgFmt: 0,
      msgContent: Buffer.from('Hello 12333', 'latin1'),
    });
    await client.submit({
      destTerminalId: ['13700137001'],
      msgFmt: 15,
      msgContent: Buffer.from('c4e3bac3', 'hex'),
    });
    const mixed = [
      Buffer.concat([Buffer.from(concatUdh(9, 2, 1)), Buffer.from('ABC', 'latin1')]),
      Buffer.concat([Buffer.from(concatUdh(9, 2, 2)), ucs2('中文')]),
    ];
    await client.submit({
      destTerminalId: ['13700137002'],
      pkTotal: 2,
      pkNumber: 1,
      tpUdhi: 1,
      msgFmt: 0,
      msgContent: mixed[0]!,
    });
    await client.submit({
      destTerminalId: ['13700137002'],
      pkTotal: 2,
      pkNumber: 2,
      tpUdhi: 1,
      msgFmt: 8,
      msgContent: mixed[1]!,
    });
    assert.equal(sim.inbox('13700137000')[0]?.text, 'Hello 12333');
    assert.equal(sim.inbox('13700137001')[0]?.text, '你好');
    assert.equal(sim.inbox('13700137002')[0]?.text, 'ABC中文');
  });

  test(`${version}: every destination gets the message and its own report; 86 prefixes are the same handset`, async (t) => {
    const { sim, client } = await rig(t, version);
    const resp = await client.submit({
      destTerminalId: ['8613800138000', '13900139000'],
      msgContent: ucs2('群发'),
    });
    const reports = [await client.next('CMPP_DELIVER'), await client.next('CMPP_DELIVER')];
    assert.deepEqual(reports.map((r) => r.srcTerminalId).sort(), ['13900139000', '8613800138000']);
    for (const r of reports) {
      const body = decodeCmppReport(r.msgContent);
      assert.ok(body.ok);
      assert.equal(body.value.msgId, resp.msgId);
    }
    assert.equal(sim.inbox('13800138000')[0]?.text, '群发');
    assert.equal(sim.inbox('13900139000')[0]?.text, '群发');
    assert.equal(sim.inbox().length, 2);
  });

  test(`${version}: an identical segment is counted as a duplicate`, async (t) => {
    const { sim, client } = await rig(t, version, { dlrDelayMs: 60_000 });
    const fields = { destTerminalId: ['13800138000'], msgContent: ucs2('重复') };
    await client.submit(fields);
    await client.submit({ ...fields, srcId: '1065712333099' });
    assert.equal(sim.stats().duplicates, 0, 'another sender number is another message');
    await client.submit(fields);
    assert.equal(sim.stats().duplicates, 1);
    assert.equal(sim.inbox('13800138000').length, 3, 'the handset shows what it received');
  });

  test(`${version}: submitResult answers every submit and records nothing; answerSubmits=false stays silent`, async (t) => {
    const { sim, client } = await rig(t, version);
    sim.configure({ submitResult: 8 });
    const throttled = await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('限流') });
    assert.equal(throttled.result, 8);
    assert.equal(sim.stats().segments, 0);
    assert.equal(sim.inbox().length, 0);

    sim.configure({ submitResult: 0, answerSubmits: false });
    client.send(client.submitPdu({ destTerminalId: ['13800138000'], msgContent: ucs2('无应答') }));
    // The link answers in order: once the ACTIVE_TEST is answered, a SUBMIT_RESP would be in.
    await client.request(
      { command: 'CMPP_ACTIVE_TEST', sequenceId: client.nextSequence() },
      'CMPP_ACTIVE_TEST_RESP',
    );
    assert.equal(client.received.filter((p) => p.command === 'CMPP_SUBMIT_RESP').length, 0);
    assert.equal(sim.stats().submits, 2);
    assert.equal(sim.inbox().length, 0);

    sim.configure({ answerSubmits: true });
    assert.equal(
      (await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('恢复') })).result,
      0,
    );
  });

  test(`${version}: malformed submits get their Result and the link stays`, async (t) => {
    const { sim, client } = await rig(t, version);
    const pk = await client.submit({
      destTerminalId: ['13800138000'],
      pkTotal: 1,
      pkNumber: 2,
      msgContent: ucs2('x'),
    });
    assert.equal(pk.result, 1);
    const noDest = await client.submit({ destTerminalId: [], msgContent: ucs2('x') });
    assert.equal(noDest.result, version === 'cmpp3' ? 13 : 1);
    const tooLong = await client.submit({
      destTerminalId: ['13800138000'],
      msgContent: Buffer.alloc(142, 0x41),
    });
    assert.equal(tooLong.result, 6);
    const badUdh = await client.submit({
      destTerminalId: ['13800138000'],
      tpUdhi: 1,
      msgContent: Buffer.from([0x09, 0x00, 0x03]),
    });
    assert.equal(badUdh.result, 1);
    assert.equal(sim.stats().segments, 0);
    assert.equal(
      (await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('好') })).result,
      0,
    );
  });
}
