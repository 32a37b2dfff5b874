/**
 * Interoperability, our gateway against an independent SMSC: one built on the npm `smpp` package
 * (node-smpp's own codec and session). It takes our bind, reads our submit_sm (short and long,
 * Chinese and ASCII) with its own decoder, answers with message ids and sends receipts and uplinks
 * the way node-smpp writes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session, type SmppServer } from 'smpp';
import { Signal } from '../cmpp/fake-ismg.js';
import { bound, gatewayConfig, noHandlesLeft, partsOf, startGateway } from './client-helpers.js';

interface PeerSmsc {
  server: SmppServer;
  port: number;
  signal: Signal;
  binds: Pdu[];
  submits: Pdu[];
  responses: Pdu[];
  sessions: Session[];
  close(): Promise<void>;
}

/** A node-smpp SMSC: accepts 901234 / secret, hex message ids, a receipt per submit_sm. */
async function startPeerSmsc(): Promise<PeerSmsc> {
  const signal = new Signal();
  const binds: Pdu[] = [];
  const submits: Pdu[] = [];
  const responses: Pdu[] = [];
  const sessions: Session[] = [];
  let next = 0x1d305b4c;
  const server = smpp.createServer((session) => {
    sessions.push(session);
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu) => {
      binds.push(pdu);
      const ok = pdu.system_id === '901234' && pdu.password === 'secret';
      session.send(pdu.response({ command_status: ok ? 0 : 0x0e, system_id: 'NODE-SMPP' }));
      signal.notify();
    });
    session.on('submit_sm', (pdu) => {
      submits.push(pdu);
      const id = (next++).toString(16);
      session.send(pdu.response({ message_id: id }));
      // Appendix B text with the decimal id, receipted_message_id in hex (docs/protocols.md §4.7).
      const decimal = BigInt(`0x${id}`).toString(10).padStart(10, '0');
      session.send(
        new smpp.PDU('deliver_sm', {
          source_addr: pdu.destination_addr,
          destination_addr: pdu.source_addr,
          esm_class: 4,
          short_message: `id:${decimal} sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 stat:DELIVRD err:000 text:`,
          receipted_message_id: id,
          message_state: 2,
        }),
        (resp) => {
          responses.push(resp);
          signal.notify();
        },
      );
      signal.notify();
    });
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    signal,
    binds,
    submits,
    responses,
    sessions,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const messageOf = (pdu: Pdu): { message: string; udh?: Buffer[] } =>
  pdu.short_message as { message: string; udh?: Buffer[] };

test('node-smpp SMSC: our bind and submit_sm read right by its decoder; its receipts reach our report handler', async () => {
  const smsc = await startPeerSmsc();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port, {}, { systemType: 'HRSS' }));
  try {
    await bound(gateway, recorder);
    const bind = smsc.binds[0]!;
    assert.deepEqual(
      [bind.system_id, bind.password, bind.system_type, bind.interface_version],
      ['901234', 'secret', 'HRSS', 0x34],
    );
    const long = '尊敬的参保人：您本月的养老金已发放，请注意查收。'.repeat(4); // 96 UCS-2: 2 parts
    const parts = [
      ...partsOf('Your card is ready', '13800138000', 1, 1),
      ...partsOf('您的社保卡已制好', '13900139000', 2, 2),
      ...partsOf(long, '13700137000', 0x33, 3),
      ...partsOf('Pension notice: '.repeat(11), '13600136000', 0x34, 4),
    ];
    assert.equal(parts.length, 6);
    const outcomes = await gateway.submit(parts);
    assert.ok(outcomes.every((o) => o.kind === 'accepted'));
    const byDest = (dest: string): Pdu[] => smsc.submits.filter((p) => p.destination_addr === dest);
    assert.equal(messageOf(byDest('8613800138000')[0]!).message, 'Your card is ready');
    assert.equal(byDest('8613800138000')[0]!.data_coding, 0);
    assert.equal(messageOf(byDest('8613900139000')[0]!).message, '您的社保卡已制好');
    assert.equal(byDest('8613900139000')[0]!.data_coding, 8);
    for (const [dest, text, total] of [
      ['8613700137000', long, 2],
      ['8613600136000', 'Pension notice: '.repeat(11), 2],
    ] as const) {
      const segments = byDest(dest).map(messageOf);
      assert.equal(segments.length, total);
      // node-smpp lists the UDH's elements: IEI 0, length 3, reference, total, sequence.
      const ordered = segments.sort((a, b) => (a.udh?.[0]?.[4] ?? 0) - (b.udh?.[0]?.[4] ?? 0));
      assert.deepEqual(
        ordered.map((s) => [...(s.udh?.[0] ?? [])].slice(0, 2).concat([...(s.udh?.[0] ?? [])].slice(3))),
        [
          [0, 3, total, 1],
          [0, 3, total, 2],
        ],
      );
      assert.equal(ordered.map((s) => s.message).join(''), text);
    }
    await recorder.signal.until(() => recorder.reports.length === 6, 'six reports');
    const accepted = new Set(outcomes.map((o) => o.carrierMsgId));
    assert.ok(recorder.reports.every((r) => accepted.has(r.carrierMsgId) && r.stat === 'DELIVRD'));
    assert.equal(new Set(recorder.reports.map((r) => r.carrierMsgId)).size, 6);
    await smsc.signal.until(() => smsc.responses.length === 6, 'six deliver_sm_resp');
    assert.ok(smsc.responses.every((r) => r.command === 'deliver_sm_resp' && r.command_status === 0));
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('node-smpp SMSC: an uplink in GSM 7-bit and one in UCS-2 reach our uplink handler and are acknowledged', async () => {
  const smsc = await startPeerSmsc();
  const { gateway, recorder } = startGateway(gatewayConfig(smsc.port));
  try {
    await bound(gateway, recorder);
    const session = smsc.sessions[0]!;
    const answers: Pdu[] = [];
    for (const text of ['TD', '查询养老金']) {
      session.send(
        new smpp.PDU('deliver_sm', {
          source_addr: '8613800138000',
          destination_addr: '1065712333',
          short_message: text,
        }),
        (resp) => {
          answers.push(resp);
          smsc.signal.notify();
        },
      );
    }
    await smsc.signal.until(() => answers.length === 2, 'two deliver_sm_resp');
    assert.ok(answers.every((a) => a.command_status === 0));
    assert.deepEqual(
      recorder.uplinks.map((u) => [u.mobile, u.destId, u.text]),
      [
        ['13800138000', '1065712333', 'TD'],
        ['13800138000', '1065712333', '查询养老金'],
      ],
    );
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
