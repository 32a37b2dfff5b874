/**
 * The simulated SMG, SMG → SP direction (docs/protocols.md §2): REPORTs and uplink DELIVERs go out on the
 * SMG's own connection to options.peer, bound with Login Type 2; they wait while the SP cannot be
 * reached, are sent again until answered, at most 32 await answers, and the link is unbound after
 * it idles (short connections, §3.1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, splitUserData } from '../../../src/domain/text/index.js';
import { sequenceFields, sequenceOf, type SgipPduOf } from '../../../src/protocols/sgip/index.js';
import { until } from '../simulator/wait.js';
import { freePort, noHandlesLeft, SMG_LOGIN, SMG_PASSWORD } from './gateway-helpers.js';
import { RawSgipServer, type RawServerOptions } from './raw-peers.js';
import { boundSp, startSim, submitPdu } from './sim-helpers.js';

async function spListener(options: RawServerOptions = {}): Promise<RawSgipServer> {
  return RawSgipServer.start({
    login: { name: SMG_LOGIN, password: SMG_PASSWORD },
    node: 3010012333,
    ...options,
  });
}

test('a REPORT goes to the peer over a Login Type 2 bind, names the SUBMIT by its triple; the idle link is unbound', async (t) => {
  const sp = await spListener();
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  const client = await boundSp(t, sim);
  const pdu = submitPdu(client, { userNumber: ['8613012345678'] });
  await client.request(pdu, 'SGIP_SUBMIT_RESP');
  await sp.until(() => sp.of('SGIP_REPORT').length === 1, 'the REPORT');
  const [bind] = sp.of('SGIP_BIND');
  assert.deepEqual([bind?.loginType, bind?.loginName, bind?.loginPassword], [2, SMG_LOGIN, SMG_PASSWORD]);
  const [report] = sp.of('SGIP_REPORT');
  assert.deepEqual(
    { ...report, sequenceNode: 0, sequenceTime: 0, sequenceCounter: 0 },
    {
      command: 'SGIP_REPORT',
      sequenceNode: 0,
      sequenceTime: 0,
      sequenceCounter: 0,
      submitSequenceNode: pdu.sequenceNode,
      submitSequenceTime: pdu.sequenceTime,
      submitSequenceCounter: pdu.sequenceCounter,
      reportType: 0,
      userNumber: '8613012345678',
      state: 0,
      errorCode: 0,
      reserve: '',
    },
  );
  assert.equal(report!.sequenceNode, 100003, 'the SMG node id 1AAAAX (§3.3)');
  await until(() => sim.core.stats().reportsAcked === 1, 'acknowledged');
  await sp.until(() => sp.of('SGIP_UNBIND').length === 1 && sp.links[0]!.closed, 'the idle UNBIND');
  assert.equal(sp.links.length, 1);
});

test('failed messages are reported State 2 with an ErrorCode; ReportFlag 2 gets no report', async (t) => {
  const sp = await spListener();
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port, failRate: 1 });
  const client = await boundSp(t, sim);
  await client.request(submitPdu(client, { reportFlag: 2 }), 'SGIP_SUBMIT_RESP');
  await client.request(submitPdu(client), 'SGIP_SUBMIT_RESP');
  await sp.until(() => sp.of('SGIP_REPORT').length === 1, 'one REPORT');
  const [report] = sp.of('SGIP_REPORT');
  assert.equal(report?.state, 2);
  assert.ok([25, 26, 27, 29].includes(report.errorCode));
  await until(() => sim.core.stats().reportsPending === 0, 'nothing pending');
  assert.equal(sp.of('SGIP_REPORT').length, 1);
});

test('while the SP cannot be reached reports wait; they go out once it listens', async (t) => {
  const port = await freePort();
  const sim = await startSim(t, { peerPort: port });
  const client = await boundSp(t, sim);
  await client.request(submitPdu(client), 'SGIP_SUBMIT_RESP');
  await until(() => sim.core.stats().reportsSent === 1, 'the report handed to the peer link');
  assert.equal(sim.core.stats().reportsPending, 1);
  const sp = await spListener({ port });
  t.after(() => sp.close());
  await sp.until(() => sp.of('SGIP_REPORT').length === 1, 'the REPORT after the SP came up');
  await until(() => sim.core.stats().reportsPending === 0, 'acknowledged');
});

test('an unanswered REPORT is sent again, unchanged, on the next link; a refused one after the next bind', async (t) => {
  let mode: 'hold' | 'refuse' | 'ok' = 'hold';
  const sp = await spListener({ inbound: () => (mode === 'hold' ? 'hold' : mode === 'refuse' ? 11 : 0) });
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  const client = await boundSp(t, sim);
  await client.request(submitPdu(client), 'SGIP_SUBMIT_RESP');
  await sp.until(() => sp.held.length === 1, 'the REPORT held');
  const first = sp.of('SGIP_REPORT')[0]!;
  mode = 'refuse';
  sp.links[0]!.socket.destroy();
  await sp.until(() => sp.of('SGIP_REPORT').length === 2, 'sent again on a new link');
  const second = sp.of('SGIP_REPORT')[1]!;
  assert.deepEqual(second, first, 'the same PDU, triple included');
  mode = 'ok';
  await until(() => sim.core.stats().reportsAcked === 1, 'acknowledged after the refusal');
  assert.ok(sp.of('SGIP_BIND').length >= 3, 'the refused report waited for another bind');
  assert.equal(sim.core.stats().reportsPending, 0);
});

test('uplinks: DELIVER with "86" + sender, UCS-2 unless ASCII, long ones as UDH segments', async (t) => {
  const sp = await spListener();
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  sim.injectMo({ from: '13012345678', to: '106550123330199', text: '收到' });
  sim.injectMo({ from: '13012345678', to: '106550123330199', text: 'TD' });
  const long = '请问养老保险待遇资格认证需要携带哪些材料？'.repeat(4);
  assert.equal(sim.injectMo({ from: '13012345678', to: '106550123330199', text: long }).segments, 2);
  await sp.until(() => sp.of('SGIP_DELIVER').length === 4, 'four DELIVERs');
  const delivers = sp.of('SGIP_DELIVER');
  assert.ok(delivers.every((d) => d.userNumber === '8613012345678' && d.spNumber === '106550123330199'));
  assert.deepEqual(
    delivers.map((d) => [d.messageCoding, d.tpUdhi]),
    [
      [8, 0],
      [0, 0],
      [8, 1],
      [8, 1],
    ],
  );
  const text = (d: SgipPduOf<'SGIP_DELIVER'>): string => {
    const split = splitUserData(d.messageContent, d.tpUdhi === 1);
    assert.ok(split.ok);
    return decodeText(split.payload, d.messageCoding === 8 ? 'ucs2' : 'ascii');
  };
  assert.deepEqual(delivers.slice(0, 2).map(text), ['收到', 'TD']);
  assert.equal(delivers.slice(2).map(text).join(''), long);
  await until(() => sim.core.stats().uplinksAcked === 4, 'all acknowledged');
  assert.throws(() => sim.injectMo({ from: 'abc', to: '1', text: 'x' }), /from/);
});

test('at most 32 commands await an answer on the SMG → SP link (§3.1)', async (t) => {
  const sp = await spListener({ inbound: () => 'hold' });
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  for (let i = 0; i < 40; i++) sim.injectMo({ from: '13012345678', to: '10655', text: `m${i}` });
  await sp.until(() => sp.held.length === 32, '32 DELIVERs held');
  sp.release(1);
  await sp.until(
    () => sp.held.length === 32 && sp.of('SGIP_DELIVER').length === 33,
    'one more after an answer',
  );
  sp.release();
  await sp.until(() => sp.of('SGIP_DELIVER').length === 40, 'the rest');
  sp.release();
  await until(() => sim.core.stats().uplinksAcked === 40, 'all acknowledged');
  assert.equal(sp.maxHeld, 32);
});

test('a peer refusing the SMG bind: nothing is delivered, the SMG tries again later', async (t) => {
  const sp = await RawSgipServer.start({ login: { name: SMG_LOGIN, password: 'other' } });
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  sim.injectMo({ from: '13012345678', to: '10655', text: 'hello' });
  await sp.until(() => sp.of('SGIP_BIND').length >= 2, 'a second bind attempt');
  assert.equal(sp.of('SGIP_DELIVER').length, 0);
  assert.equal(sim.core.stats().uplinksAcked, 0);
});

test('the SP unbinding the SMG link is answered; garbage from it ends the link; what is owed still arrives', async (t) => {
  const sp = await spListener({ inbound: () => 'hold' });
  t.after(() => sp.close());
  const sim = await startSim(t, { peerPort: sp.port });
  sim.injectMo({ from: '13012345678', to: '10655', text: 'one' });
  await sp.until(() => sp.held.length === 1, 'held');
  const link = sp.links[0]!;
  const unbind = link.seq();
  link.send({ command: 'SGIP_UNBIND', ...unbind });
  await link.answerTo(unbind, 'SGIP_UNBIND_RESP');
  await sp.until(() => sp.links.length === 2 && sp.of('SGIP_DELIVER').length === 2, 'resent on a new link');
  sp.links[1]!.socket.write(Buffer.from('0000000400000000', 'hex'));
  await sp.until(
    () => sp.links.length === 3 && sp.of('SGIP_DELIVER').length === 3,
    'and again after garbage',
  );
  const last = sp.held.at(-1)!;
  sp.held.length = 0;
  last.link.send({ command: 'SGIP_DELIVER_RESP', ...sequenceFields(sequenceOf(last.pdu)), result: 0 });
  await until(() => sim.core.stats().uplinksAcked === 1, 'acknowledged');
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
