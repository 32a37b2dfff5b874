/**
 * The simulated SMGW's side of a link, driven by a bare SP: Login checks (§5.2.2.1), LoginMode,
 * the 1.3 layout, Active_Test, Exit, Query, garbage, and close() leaving nothing open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeSmgp,
  smgpAuthenticatorClient,
  smgpAuthenticatorServer,
  smgpTimestamp,
  type SmgpPduOf,
} from '../../../src/protocols/smgp/index.js';
import { noHandlesLeft } from './client-helpers.js';
import { ACCOUNT, loggedIn, SECRET, startSim, ucs2 } from './sim-helpers.js';
import { TestSmgpClient } from './smgp-client.js';
import { until } from '../simulator/wait.js';

/** A Login with the right credentials, stamped now. */
function loginPdu(sequenceId: number): SmgpPduOf<'SMGP_LOGIN'> {
  const stamp = smgpTimestamp(Date.now());
  return {
    command: 'SMGP_LOGIN',
    sequenceId,
    clientId: ACCOUNT,
    authenticatorClient: smgpAuthenticatorClient(ACCOUNT, SECRET, stamp.text),
    loginMode: 2,
    timeStamp: stamp.value,
    clientVersion: 0x30,
  };
}

test('Login right: Status 0, AuthenticatorServer = MD5(Status ‖ AuthenticatorClient ‖ secret), version 0x30', async (t) => {
  const sim = await startSim(t);
  const client = await TestSmgpClient.open(sim.port);
  t.after(() => client.close());
  const login = loginPdu(client.nextSequence());
  const resp = await client.request(login, 'SMGP_LOGIN_RESP');
  assert.deepEqual(resp, {
    command: 'SMGP_LOGIN_RESP',
    sequenceId: login.sequenceId,
    status: 0,
    authenticatorServer: smgpAuthenticatorServer(0, login.authenticatorClient, SECRET),
    serverVersion: 0x30,
  });
  assert.equal(sim.core.stats().binds, 1);
});

test('Login wrong: a wrong ClientID or secret is Status 21, a newer version 22, a bad LoginMode 10; the link closes', async (t) => {
  const sim = await startSim(t);
  const cases: [string, string, { clientVersion?: number; loginMode?: number; authAs?: string }, number][] = [
    ['10600000', SECRET, { authAs: ACCOUNT }, 21],
    ['10600000', SECRET, {}, 21],
    [ACCOUNT, 'wrong', {}, 21],
    [ACCOUNT, SECRET, { clientVersion: 0x40 }, 22],
    [ACCOUNT, SECRET, { loginMode: 3 }, 10],
  ];
  for (const [account, secret, options, status] of cases) {
    const client = await TestSmgpClient.open(sim.port);
    t.after(() => client.close());
    const resp = await client.login(account, secret, options);
    assert.equal(resp.status, status, JSON.stringify([account, secret, options]));
    assert.deepEqual(resp.authenticatorServer, Buffer.alloc(16));
    await client.closed;
  }
  assert.deepEqual([sim.core.stats().authFailures, sim.core.stats().binds], [5, 0]);
});

test('a PDU before Login closes the link; a second Login closes it too', async (t) => {
  const sim = await startSim(t);
  const early = await TestSmgpClient.open(sim.port);
  t.after(() => early.close());
  early.send(early.submitPdu({ destTermId: ['13300133000'], msgContent: ucs2('早') }));
  await early.closed;
  const twice = await loggedIn(t, sim);
  twice.send(loginPdu(twice.nextSequence()));
  await twice.closed;
  assert.equal(sim.core.stats().segments, 0);
});

test('Active_Test, Query and Exit are answered; Exit closes the link', async (t) => {
  const sim = await startSim(t);
  const client = await loggedIn(t, sim);
  const seq = client.nextSequence();
  assert.equal(
    (await client.request({ command: 'SMGP_ACTIVE_TEST', sequenceId: seq }, 'SMGP_ACTIVE_TEST_RESP'))
      .sequenceId,
    seq,
  );
  await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('一') });
  const query = await client.request(
    {
      command: 'SMGP_QUERY',
      sequenceId: client.nextSequence(),
      queryTime: '20240102',
      queryType: 0,
      queryCode: '',
    },
    'SMGP_QUERY_RESP',
  );
  assert.deepEqual([query.queryTime, query.mtTlMsg, query.mtTlUsr], ['20240102', 1, 1]);
  await client.request({ command: 'SMGP_EXIT', sequenceId: client.nextSequence() }, 'SMGP_EXIT_RESP');
  await client.closed;
});

test('LoginMode: a send-only link gets no Delivers, a receive-only link has its Submits refused (Status 11)', async (t) => {
  const sim = await startSim(t);
  const sender = await loggedIn(t, sim, { loginMode: 0 });
  assert.equal((await sender.submit({ destTermId: ['13300133000'], msgContent: ucs2('发') })).status, 0);
  sim.injectMo({ from: '13300133000', to: '1065912333', text: '收' });
  assert.equal(sim.core.stats().uplinksSent, 0, 'no uplink goes out on a send-only link');
  const receiver = await loggedIn(t, sim, { loginMode: 1 });
  const refused = await receiver.submit({ destTermId: ['13300133000'], msgContent: ucs2('发') });
  assert.equal(refused.status, 11);
  const delivers = [await receiver.next('SMGP_DELIVER'), await receiver.next('SMGP_DELIVER')];
  assert.deepEqual(delivers.map((d) => d.isReport).sort(), [0, 1], 'the uplink and the report, both here');
  await until(
    () => sim.core.stats().uplinksAcked === 1 && sim.core.stats().reportsAcked === 1,
    'both acknowledged',
  );
  assert.equal(sender.received.length, 0, 'the send-only link got nothing');
});

test('a 1.3 client (version 0x13) is served in the 1.3 layout and told 0x13 back', async (t) => {
  const sim = await startSim(t);
  const client = await TestSmgpClient.open(sim.port);
  t.after(() => client.close());
  client.layout = 'smgp13';
  const resp = await client.login(ACCOUNT, SECRET, { clientVersion: 0x13 });
  assert.deepEqual([resp.status, resp.serverVersion], [0, 0x13]);
  const sent = await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('旧版') });
  assert.equal(sent.status, 0);
  assert.equal(sim.core.handsets.inbox('13300133000')[0]?.text, '旧版');
});

test('garbage closes that link only; a Submit whose MsgLength disagrees is answered 36 and the link stays', async (t) => {
  const sim = await startSim(t);
  const good = await loggedIn(t, sim);
  const bad = await loggedIn(t, sim);
  bad.socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
  await bad.closed;
  const pdu = good.submitPdu({ destTermId: ['13300133000'], msgContent: ucs2('长度') });
  const frame = encodeSmgp(pdu);
  frame[frame.length - 8 - pdu.msgContent.length - 1] = pdu.msgContent.length + 5; // MsgLength before content
  good.socket.write(frame);
  const resp = await good.next('SMGP_SUBMIT_RESP');
  assert.deepEqual([resp.sequenceId, resp.status], [pdu.sequenceId, 36]);
  assert.equal((await good.submit({ destTermId: ['13300133000'], msgContent: ucs2('照常') })).status, 0);
  await until(() => sim.core.stats().connections === 1, 'the bad link gone');
});

test('close() says Exit to bound links and leaves no socket or timer behind', async (t) => {
  const sim = await startSim(t, { dlrDelayMs: 60_000 });
  const client = await loggedIn(t, sim);
  await client.submit({ destTermId: ['13300133000'], msgContent: ucs2('关机') });
  assert.equal(sim.core.stats().reportsPending, 1);
  await sim.close();
  await client.next('SMGP_EXIT');
  await client.close();
  assert.deepEqual(await noHandlesLeft(), []);
});
