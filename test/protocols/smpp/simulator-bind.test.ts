/**
 * The simulated SMSC's session rules, driven by a bare ESME: binds of all three kinds and their
 * refusals, what each bind may do, keepalive and unbind, garbage, and a clean shutdown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noHandlesLeft } from './client-helpers.js';
import { RawEsme } from './raw-esme.js';
import { startSim } from './sim-helpers.js';

test('binds of all three kinds with the right credentials; the response names the SMSC and SMPP 3.4', async () => {
  const sim = await startSim();
  const esmes = await Promise.all([0, 1, 2].map(() => RawEsme.connect(sim.port)));
  try {
    const kinds = ['bind_transceiver', 'bind_transmitter', 'bind_receiver'] as const;
    const answers = await Promise.all(kinds.map((k, i) => esmes[i]!.bind(k)));
    assert.deepEqual(
      answers.map((a) =>
        a.command === 'bind_transceiver_resp' ||
        a.command === 'bind_transmitter_resp' ||
        a.command === 'bind_receiver_resp'
          ? [a.command, a.commandStatus, a.systemId, a.tlvs?.scInterfaceVersion]
          : null,
      ),
      [
        ['bind_transceiver_resp', 0, 'SMS12333SIM', 0x34],
        ['bind_transmitter_resp', 0, 'SMS12333SIM', 0x34],
        ['bind_receiver_resp', 0, 'SMS12333SIM', 0x34],
      ],
    );
    assert.equal(sim.core.stats().binds, 3);
    const again = await esmes[0]!.bind();
    assert.equal(again.commandStatus, 0x05, 'ESME_RALYBND');
    const fromReceiver = await esmes[2]!.request(esmes[2]!.submitPdu({ shortMessage: Buffer.from('x') }));
    assert.deepEqual([fromReceiver.command, fromReceiver.commandStatus], ['submit_sm_resp', 0x04]);
  } finally {
    await Promise.all(esmes.map((e) => e.close()));
    await sim.close();
  }
});

test('a wrong system_id gets ESME_RINVSYSID, a wrong password ESME_RINVPASWD, and the link closes', async () => {
  const sim = await startSim();
  try {
    for (const [systemId, password, status] of [
      ['someone', 'pw12345', 0x0f],
      ['smppacct', 'wrong', 0x0e],
    ] as const) {
      const esme = await RawEsme.connect(sim.port);
      const answer = await esme.bind('bind_transmitter', systemId, password);
      assert.deepEqual([answer.command, answer.commandStatus], ['bind_transmitter_resp', status]);
      await esme.until(() => esme.closed, 'the SMSC closes the link');
    }
    assert.deepEqual([sim.core.stats().authFailures, sim.core.stats().binds], [2, 0]);
  } finally {
    await sim.close();
  }
});

test('before a bind: enquire_link is answered, other requests get generic_nack ESME_RINVBNDSTS and the link closes', async () => {
  const sim = await startSim();
  const esme = await RawEsme.connect(sim.port);
  try {
    const link = await esme.request({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 7 });
    assert.equal(link.command, 'enquire_link_resp');
    const nack = await esme.request(esme.submitPdu({ shortMessage: Buffer.from('x') }));
    assert.deepEqual([nack.command, nack.commandStatus], ['generic_nack', 0x04]);
    await esme.until(() => esme.closed, 'the SMSC closes the unbound link');
    assert.equal(sim.core.stats().submits, 0);
    // A bind that does not decode closes the link too.
    const bad = await RawEsme.connect(sim.port);
    bad.socket.write(Buffer.from('00000014000000020000000000000005aabbccdd', 'hex'));
    await bad.until(() => bad.closed, 'the SMSC closes the link after a bad bind');
    await bad.close();
  } finally {
    await esme.close();
    await sim.close();
  }
});

test('garbage: an unknown command and a bad body get generic_nack and the link stays; bad framing closes it', async () => {
  const sim = await startSim();
  const esme = await RawEsme.connect(sim.port);
  try {
    await esme.bind();
    esme.socket.write(Buffer.from('00000010000000ff0000000000000031', 'hex'));
    esme.socket.write(Buffer.from('00000014000000040000000000000032aabbccdd', 'hex'));
    await esme.until(() => esme.of('generic_nack').length === 2, 'two generic_nacks');
    assert.deepEqual(
      esme.of('generic_nack').map((n) => [n.sequenceNumber, n.commandStatus]),
      [
        [0x31, 0x03],
        [0x32, 0x02],
      ],
    );
    const alive = await esme.request({ command: 'enquire_link', commandStatus: 0, sequenceNumber: 0x33 });
    assert.equal(alive.command, 'enquire_link_resp');
    esme.socket.write(Buffer.from('00000001', 'hex'));
    await esme.until(() => esme.closed, 'the SMSC closes the link');
    const next = await RawEsme.connect(sim.port);
    assert.equal((await next.bind()).commandStatus, 0, 'the SMSC goes on serving');
    await next.close();
  } finally {
    await esme.close();
    await sim.close();
  }
});

test('unbind is answered and the link closed; closing the SMSC unbinds bound ESMEs', async () => {
  const sim = await startSim();
  const first = await RawEsme.connect(sim.port);
  const second = await RawEsme.connect(sim.port);
  try {
    await first.bind();
    const resp = await first.request({ command: 'unbind', commandStatus: 0, sequenceNumber: 99 });
    assert.equal(resp.command, 'unbind_resp');
    await first.until(() => first.closed, 'closed after unbind');
    await second.bind('bind_receiver');
    await sim.close();
    assert.equal(second.of('unbind').length, 1);
    await second.until(() => second.closed, 'closed by the SMSC');
  } finally {
    await first.close();
    await second.close();
    await sim.close();
  }
});

test('data_sm carries a message in message_payload like a submit_sm (§4.7)', async () => {
  const sim = await startSim();
  const esme = await RawEsme.connect(sim.port);
  try {
    await esme.bind('bind_transmitter');
    const resp = await esme.request({
      command: 'data_sm',
      commandStatus: 0,
      sequenceNumber: esme.nextSeq(),
      serviceType: '',
      sourceAddrTon: 0,
      sourceAddrNpi: 0,
      sourceAddr: '10657',
      destAddrTon: 0,
      destAddrNpi: 0,
      destinationAddr: '13800138000',
      esmClass: 0,
      registeredDelivery: 0,
      dataCoding: 8,
      tlvs: { messagePayload: Buffer.from('4f60597d', 'hex') },
    });
    assert.ok(resp.command === 'data_sm_resp' && resp.commandStatus === 0 && resp.messageId !== undefined);
    assert.deepEqual(
      sim.core.handsets.inbox().map((m) => [m.mobile, m.text]),
      [['13800138000', '你好']],
    );
  } finally {
    await esme.close();
    await sim.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
