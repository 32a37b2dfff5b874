/**
 * What the simulated ISMG owes the SP — status reports and uplink (MO) messages — survives lost
 * links: unacknowledged DELIVERs go out again on the next bound connection (docs/protocols.md §1.7, CMPP §7).
 * Also: several links at once, garbage on one link, TERMINATE, and close() leaving nothing open.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, splitUserData } from '../../../src/domain/text/index.js';
import {
  decodeCmppReport,
  encodeCmpp,
  type CmppPduOf,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';
import {
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../../src/protocols/simulator/index.js';
import { TestCmppClient, ucs2 } from '../simulator/cmpp-client.js';
import { until } from '../simulator/wait.js';

const ACCOUNT = '901234';
const SECRET = 'sim-secret';

async function sim(
  t: TestContext,
  version: CmppVersion,
  options: Partial<SimulatorOptions> = {},
): Promise<Simulator> {
  const s = await startSimulator({
    protocol: version,
    port: 0,
    account: ACCOUNT,
    secret: SECRET,
    dlrDelayMs: 10,
    ...options,
  });
  t.after(() => s.close());
  return s;
}

async function bound(
  t: TestContext,
  s: Simulator,
  version: CmppVersion,
  autoAck = true,
): Promise<TestCmppClient> {
  const client = await TestCmppClient.open(s.port, version);
  t.after(() => client.close());
  // Before the login: what the simulator owes the account follows the CONNECT_RESP at once.
  client.autoAck = autoAck;
  assert.equal((await client.login(ACCOUNT, SECRET)).status, 0);
  return client;
}

/** The text of uplink DELIVERs, reassembled by their UDH. */
function moText(delivers: CmppPduOf<'CMPP_DELIVER'>[]): string {
  return delivers
    .map((d) => {
      const split = splitUserData(d.msgContent, d.tpUdhi === 1);
      assert.ok(split.ok);
      return {
        part: split.concat?.partNo ?? 1,
        text: decodeText(split.payload, d.msgFmt === 8 ? 'ucs2' : 'ascii'),
      };
    })
    .sort((a, b) => a.part - b.part)
    .map((p) => p.text)
    .join('');
}

for (const version of ['cmpp3', 'cmpp2'] as const) {
  test(`${version}: a report not acknowledged goes out again after reconnecting`, async (t) => {
    const s = await sim(t, version);
    const first = await bound(t, s, version, false);
    const resp = await first.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('回执') });
    const lost = await first.next('CMPP_DELIVER');
    await first.close();
    assert.equal(s.stats().reportsPending, 1);

    const second = await bound(t, s, version);
    const again = await second.next('CMPP_DELIVER');
    assert.deepEqual(again.msgContent, lost.msgContent);
    const body = decodeCmppReport(again.msgContent);
    assert.ok(body.ok);
    assert.equal(body.value.msgId, resp.msgId);
    await until(() => s.stats().reportsAcked === 1, 'the resent report acknowledged');
    assert.equal(s.stats().reportsSent, 2);
    assert.equal(s.stats().reportsPending, 0);
  });

  test(`${version}: reports of a closed link go to another bound link of the account`, async (t) => {
    const s = await sim(t, version, { dlrDelayMs: 50 });
    const a = await bound(t, s, version);
    const b = await bound(t, s, version);
    await a.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('换条路') });
    await a.close();
    const report = await b.next('CMPP_DELIVER');
    assert.equal(report.srcTerminalId, '13800138000');
    await until(() => s.stats().reportsAcked === 1, 'acknowledged on the other link');
  });

  test(`${version}: uplinks reach the SP: short and long, Chinese and ASCII`, async (t) => {
    const s = await sim(t, version);
    const client = await bound(t, s, version);
    const cases = [
      { text: '收到，谢谢', segments: 1, msgFmt: 8 },
      { text: 'CBXX#', segments: 1, msgFmt: 0 },
      {
        text: '我想咨询一下养老保险待遇资格认证的办理流程和需要携带的材料，'.repeat(3),
        segments: 2,
        msgFmt: 8,
      },
      { text: 'BD#210102199001011234#'.repeat(8), segments: 2, msgFmt: 0 },
    ];
    for (const c of cases) {
      const queued = await s.injectMo({ from: '13800138000', to: '10657123330199', text: c.text });
      assert.equal(queued.segments, c.segments);
      const delivers: CmppPduOf<'CMPP_DELIVER'>[] = [];
      for (let i = 0; i < c.segments; i++) delivers.push(await client.next('CMPP_DELIVER'));
      for (const d of delivers) {
        assert.equal(d.registeredDelivery, 0);
        assert.equal(d.srcTerminalId, '13800138000');
        assert.equal(d.destId, '10657123330199');
        assert.equal(d.msgFmt, c.msgFmt);
        assert.equal(d.tpUdhi, c.segments > 1 ? 1 : 0);
      }
      assert.equal(moText(delivers), c.text);
    }
    await until(() => s.stats().uplinksAcked === 6, 'uplinks acknowledged');
    assert.equal(s.stats().uplinksSent, 6);
  });

  test(`${version}: an uplink waits for a bound link and is resent until acknowledged`, async (t) => {
    const s = await sim(t, version);
    assert.deepEqual(await s.injectMo({ from: '13800138000', to: '1065712333', text: '在吗' }), {
      segments: 1,
    });
    assert.equal(s.stats().uplinksSent, 0, 'nobody bound yet');
    const first = await bound(t, s, version, false);
    const mo = await first.next('CMPP_DELIVER');
    await first.close();
    const second = await bound(t, s, version);
    const again = await second.next('CMPP_DELIVER');
    assert.equal(again.msgId, mo.msgId, 'the same uplink, same Msg_Id');
    assert.equal(moText([again]), '在吗');
    await until(() => s.stats().uplinksAcked === 1, 'the uplink acknowledged');
  });

  test(`${version}: garbage closes that link only; others are still served`, async (t) => {
    const s = await sim(t, version);
    const good = await bound(t, s, version);
    const bad = await bound(t, s, version);
    bad.socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
    await bad.closed;
    const unknown = await bound(t, s, version);
    const frame = Buffer.alloc(12);
    frame.writeUInt32BE(12, 0);
    frame.writeUInt32BE(0x00000099, 4);
    unknown.socket.write(frame);
    await unknown.closed;
    assert.equal(
      (await good.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('照常') })).result,
      0,
    );
    await until(() => s.stats().connections === 1, 'the bad links gone');
  });

  test(`${version}: a SUBMIT whose Msg_Length disagrees with its length is answered Result 4`, async (t) => {
    const s = await sim(t, version);
    const client = await bound(t, s, version);
    const pdu = client.submitPdu({ destTerminalId: ['13800138000'], msgContent: ucs2('长度') });
    const frame = encodeCmpp(version, pdu);
    const tail = version === 'cmpp3' ? 20 : 8; // LinkID / Reserve after Msg_Content
    const lengthAt = frame.length - tail - pdu.msgContent.length - 1;
    frame[lengthAt] = pdu.msgContent.length + 5;
    client.socket.write(frame);
    const resp = await client.next('CMPP_SUBMIT_RESP');
    assert.equal(resp.sequenceId, pdu.sequenceId);
    assert.equal(resp.result, 4);
    assert.equal(s.stats().segments, 0);
  });

  test(`${version}: TERMINATE is answered and the link closes`, async (t) => {
    const s = await sim(t, version);
    const client = await bound(t, s, version);
    await client.request(
      { command: 'CMPP_TERMINATE', sequenceId: client.nextSequence() },
      'CMPP_TERMINATE_RESP',
    );
    await client.closed;
  });
}

test('close() says TERMINATE to bound links and leaves no socket or timer behind', async () => {
  const count = (list: string[], kind: string): number => list.filter((r) => r === kind).length;
  const baseline = process.getActiveResourcesInfo();
  const s = await startSimulator({
    protocol: 'cmpp3',
    port: 0,
    controlPort: 0,
    account: ACCOUNT,
    secret: SECRET,
    dlrDelayMs: 60_000,
  });
  const client = await TestCmppClient.open(s.port, 'cmpp3');
  await client.login(ACCOUNT, SECRET);
  await client.submit({ destTerminalId: ['13800138000'], msgContent: ucs2('关机') });
  assert.equal(s.stats().reportsPending, 1);
  await s.close();
  await client.next('CMPP_TERMINATE');
  await client.close();
  await s.close();
  const after = process.getActiveResourcesInfo();
  for (const kind of new Set(after)) {
    if (kind === 'TTYWrap' || kind === 'PipeWrap') continue;
    assert.ok(
      count(after, kind) <= count(baseline, kind),
      `${kind}: ${count(after, kind)} open after close, ${count(baseline, kind)} before`,
    );
  }
  await assert.rejects(s.injectMo({ from: '13800138000', to: '1065712333', text: 'x' }), /closed/);
});
