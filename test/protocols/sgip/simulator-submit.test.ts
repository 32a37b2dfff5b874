/**
 * The simulated SMG, SP → SMG direction: logins (Login Type 1, exact credentials), SUBMIT answers
 * and what reaches the handsets, configured refusals and silence, garbage, UNBIND both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import { encodeSgip, sequenceOf, sgipSequenceText } from '../../../src/protocols/sgip/index.js';
import { until } from '../simulator/wait.js';
import { noHandlesLeft, SP_ACCOUNT, SP_SECRET } from './gateway-helpers.js';
import { openRawClient } from './raw-peers.js';
import { boundSp, startSim, submit, submitPdu } from './sim-helpers.js';

test('logins: the account binds with Login Type 1; a wrong secret gets 1, a wrong type 4, and the link closes', async (t) => {
  const sim = await startSim(t);
  const wrongSecret = await openRawClient(sim.port);
  assert.equal((await wrongSecret.bind(1, SP_ACCOUNT, 'guess')).result, 1);
  await wrongSecret.until(() => wrongSecret.closed, 'closed after Result 1');
  const wrongType = await openRawClient(sim.port);
  assert.equal((await wrongType.bind(2, SP_ACCOUNT, SP_SECRET)).result, 4);
  await wrongType.until(() => wrongType.closed, 'closed after Result 4');
  const eager = await openRawClient(sim.port);
  eager.send(submitPdu(eager));
  await eager.until(() => eager.closed, 'a SUBMIT before BIND closes the link');
  const good = await boundSp(t, sim);
  assert.ok(!good.closed);
  const again = await good.bind(1, SP_ACCOUNT, SP_SECRET);
  assert.equal(again.result, 2, 'a second BIND on a bound link: repeated bind');
  assert.deepEqual([sim.core.stats().binds, sim.core.stats().authFailures], [1, 2]);
});

test('a SUBMIT is answered with its own triple and reaches the handset; a long one is reassembled', async (t) => {
  const sim = await startSim(t);
  const sp = await boundSp(t, sim);
  const single = submitPdu(sp);
  const resp = await sp.request(single, 'SGIP_SUBMIT_RESP');
  assert.equal(resp.result, 0);
  const [entry] = sim.core.handsets.inbox('13012345678');
  assert.equal(entry?.text, '您好');
  assert.equal(entry.from, '106550123330001');
  assert.deepEqual(entry.msgIds, [sgipSequenceText(sequenceOf(single))]);

  const halves = ['社会保障', '卡已制好'];
  // Segments of one message may come in any order and in different codings (docs/protocols.md §9 item 3).
  for (const [i, part] of [
    [2, Buffer.from(halves[1]!, 'utf16le').swap16()],
    [1, Buffer.from(halves[0]!, 'utf16le').swap16()],
  ] as const) {
    const r = await submit(sp, {
      userNumber: ['8618612345678'],
      tpUdhi: 1,
      messageContent: Buffer.concat([concatUdh(0x33, 2, i), part]),
    });
    assert.equal(r.result, 0);
  }
  const [long] = sim.core.handsets.inbox('18612345678');
  assert.equal(long?.text, '社会保障卡已制好');
  assert.equal(long.segments, 2);
  assert.equal(sim.core.stats().messages, 2);
});

test('a SUBMIT to several users lands on each handset; ASCII and GBK content decode', async (t) => {
  const sim = await startSim(t);
  const sp = await boundSp(t, sim);
  const r = await submit(sp, {
    userNumber: ['8613012345678', '8613112345678'],
    messageCoding: 0,
    messageContent: Buffer.from('Your card is ready'),
  });
  assert.equal(r.result, 0);
  assert.equal(sim.core.handsets.inbox('13112345678')[0]?.text, 'Your card is ready');
  await submit(sp, {
    userNumber: ['8613212345678'],
    messageCoding: 15,
    messageContent: Buffer.from('c4e3bac3', 'hex'),
  });
  assert.equal(sim.core.handsets.inbox('13212345678')[0]?.text, '你好');
});

test('refusals (§5.2): no "86" → 6, content over one SMS → 8, a bad UDH → 5; nothing is recorded', async (t) => {
  const sim = await startSim(t);
  const sp = await boundSp(t, sim);
  assert.equal((await submit(sp, { userNumber: ['13012345678'] })).result, 6);
  assert.equal((await submit(sp, { userNumber: [] })).result, 5);
  assert.equal((await submit(sp, { messageContent: Buffer.alloc(141) })).result, 8);
  assert.equal((await submit(sp, { messageCoding: 0, messageContent: Buffer.alloc(160, 0x41) })).result, 0);
  assert.equal((await submit(sp, { tpUdhi: 1, messageContent: Buffer.from('0900', 'hex') })).result, 5);
  assert.equal(sim.core.stats().segments, 1);
});

test('configured answers: submitResult is answered as is; answerSubmits false swallows SUBMITs', async (t) => {
  const sim = await startSim(t);
  const sp = await boundSp(t, sim);
  sim.core.configure({ submitResult: 61 });
  assert.equal((await submit(sp)).result, 61);
  sim.core.configure({ submitResult: 0, answerSubmits: false });
  sp.send(submitPdu(sp));
  // A round trip after it: the UNBIND_RESP arrives, the SUBMIT_RESP never did.
  await sp.request({ command: 'SGIP_UNBIND', ...sp.seq() }, 'SGIP_UNBIND_RESP');
  assert.equal(sp.of('SGIP_SUBMIT_RESP').length, 1);
  assert.equal(sim.core.stats().segments, 0);
  await sp.until(() => sp.closed, 'closed after UNBIND');
});

test('garbage from an SP closes that link (§3.7.2.4.2); the server goes on', async (t) => {
  const sim = await startSim(t);
  const bad = await boundSp(t, sim);
  bad.socket.write(Buffer.from('00000008ffffffff', 'hex'));
  await bad.until(() => bad.closed, 'the garbage link closed');
  const liar = await boundSp(t, sim);
  const pdu = submitPdu(liar);
  const bytes = encodeSgip(pdu);
  bytes.writeUInt32BE(9999, bytes.length - 8 - pdu.messageContent.length - 4);
  liar.socket.write(bytes);
  await liar.until(() => liar.closed, 'the lying link closed');
  const good = await boundSp(t, sim);
  assert.equal((await submit(good)).result, 0);
  await until(() => sim.core.stats().connections === 1, 'only the good link left');
});

test('close() says UNBIND to bound SPs and closes their links', async (t) => {
  const sim = await startSim(t);
  const sp = await boundSp(t, sim);
  await sim.close();
  await sp.until(() => sp.of('SGIP_UNBIND').length === 1 && sp.closed, 'UNBIND and close');
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
