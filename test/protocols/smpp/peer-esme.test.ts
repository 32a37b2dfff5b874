/**
 * Interoperability, our simulated SMSC against an independent ESME: one built on the npm `smpp`
 * package. It binds, submits (short, Chinese, UDH-concatenated, message_payload), gets message ids
 * and receipts it can read with its own decoder, and receives an uplink.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import smpp, { type Pdu, type Session } from 'smpp';
import { Signal } from '../cmpp/fake-ismg.js';
import { until } from '../simulator/wait.js';
import { noHandlesLeft } from './client-helpers.js';
import { SIM_ACCOUNT, SIM_SECRET, startSim } from './sim-helpers.js';

interface PeerEsme {
  session: Session;
  signal: Signal;
  delivered: Pdu[];
  /** Sends a request and resolves with its response. */
  request(command: string, fields: Record<string, unknown>): Promise<Pdu>;
  close(): Promise<void>;
}

/** A node-smpp ESME that acknowledges every deliver_sm with ESME_ROK. */
async function connectPeer(port: number): Promise<PeerEsme> {
  const signal = new Signal();
  const delivered: Pdu[] = [];
  const session = await new Promise<Session>((resolve) => {
    const s = smpp.connect({ host: '127.0.0.1', port }, () => resolve(s));
  });
  let closed = false;
  session.on('close', () => {
    closed = true;
    signal.notify();
  });
  session.on('error', () => undefined);
  session.on('deliver_sm', (pdu) => {
    delivered.push(pdu);
    session.send(pdu.response());
    signal.notify();
  });
  return {
    session,
    signal,
    delivered,
    request: (command, fields) =>
      new Promise((resolve) => session.send(new smpp.PDU(command, fields), resolve)),
    async close() {
      session.destroy();
      await signal.until(() => closed, 'the node-smpp session to close');
    },
  };
}

const bind = (peer: PeerEsme, password = SIM_SECRET): Promise<Pdu> =>
  peer.request('bind_transceiver', { system_id: SIM_ACCOUNT, password });

test('node-smpp ESME: a wrong password is refused with ESME_RINVPASWD', async () => {
  const sim = await startSim();
  const peer = await connectPeer(sim.port);
  try {
    const resp = await bind(peer, 'nope');
    assert.equal(resp.command_status, 0x0e);
  } finally {
    await peer.close();
    await sim.close();
  }
});

test('node-smpp ESME: binds, submits short, Chinese, UDH and message_payload messages; reads the receipts', async () => {
  const sim = await startSim();
  const peer = await connectPeer(sim.port);
  try {
    const bound = await bind(peer);
    assert.deepEqual(
      [bound.command, bound.command_status, bound.system_id],
      ['bind_transceiver_resp', 0, 'SMS12333SIM'],
    );
    const submit = (fields: Record<string, unknown>): Promise<Pdu> =>
      peer.request('submit_sm', { source_addr: '10657', registered_delivery: 1, ...fields });
    const ids: string[] = [];
    for (const fields of [
      { destination_addr: '13800138000', short_message: 'Hello from node-smpp' },
      { destination_addr: '13900139000', short_message: '您的社保卡已制好' },
      {
        destination_addr: '13700137000',
        short_message: { udh: Buffer.from('050003220201', 'hex'), message: 'first half, ' },
      },
      {
        destination_addr: '13700137000',
        short_message: { udh: Buffer.from('050003220202', 'hex'), message: 'second half' },
      },
      { destination_addr: '13600136000', message_payload: '养老金到账通知'.repeat(20) },
    ]) {
      const resp = await submit(fields);
      assert.equal(resp.command_status, 0);
      ids.push(resp.message_id as string);
    }
    assert.equal(new Set(ids).size, 5);
    assert.deepEqual(
      sim.core.handsets.inbox().map((m) => [m.mobile, m.text, m.segments]),
      [
        ['13800138000', 'Hello from node-smpp', 1],
        ['13900139000', '您的社保卡已制好', 1],
        ['13700137000', 'first half, second half', 2],
        ['13600136000', '养老金到账通知'.repeat(20), 1],
      ],
    );
    await peer.signal.until(() => peer.delivered.length === 5, 'five receipts');
    for (const receipt of peer.delivered) {
      assert.equal(receipt.esm_class, 4);
      assert.equal(receipt.message_state, 2);
      assert.ok(ids.includes(receipt.receipted_message_id as string));
      assert.match(
        (receipt.short_message as { message: string }).message,
        /^id:\d{10,} sub:001 dlvrd:001 .* stat:DELIVRD err:000 text:/,
      );
    }
    await until(() => sim.core.stats().reportsAcked === 5, 'receipts acknowledged');
  } finally {
    await peer.close();
    await sim.close();
  }
});

test('node-smpp ESME: an uplink from our simulator arrives as a deliver_sm it decodes', async () => {
  const sim = await startSim();
  const peer = await connectPeer(sim.port);
  try {
    await bind(peer);
    sim.injectMo({ from: '13800138000', to: '1065712333', text: 'BD#1234' });
    sim.injectMo({ from: '13800138000', to: '1065712333', text: '退订' });
    await peer.signal.until(() => peer.delivered.length === 2, 'two uplinks');
    assert.deepEqual(
      peer.delivered.map((d) => [
        d.source_addr,
        d.destination_addr,
        d.esm_class,
        d.data_coding,
        (d.short_message as { message: string }).message,
      ]),
      [
        ['13800138000', '1065712333', 0, 0, 'BD#1234'],
        ['13800138000', '1065712333', 0, 8, '退订'],
      ],
    );
    await until(() => sim.core.stats().uplinksAcked === 2, 'uplinks acknowledged');
  } finally {
    await peer.close();
    await sim.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
