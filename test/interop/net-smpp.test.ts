/**
 * Interoperability with Net::SMPP (Debian's libnet-smpp-perl), an SMPP stack no one here wrote:
 * our ESME gateway delivers through an SMSC built on it, and an ESME built on it submits through our
 * simulated SMSC. Both sides decode the other's bytes with their own code. Perl or the module
 * missing fails these tests (the CI script installs them); they never skip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  bound,
  gatewayConfig,
  noHandlesLeft,
  partsOf,
  startGateway,
} from '../protocols/smpp/client-helpers.js';
import { SIM_ACCOUNT, SIM_SECRET, startSim } from '../protocols/smpp/sim-helpers.js';
import { until } from '../protocols/simulator/wait.js';
import { PeerProcess } from './peer-process.js';

const script = (name: string): string => fileURLToPath(new URL(`./peers/${name}`, import.meta.url));
const hex = (text: string, coding: 'ascii' | 'ucs2'): string =>
  (coding === 'ascii' ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf16le').swap16()).toString('hex');
const text = (hexText: unknown, dataCoding: unknown): string => {
  const bytes = Buffer.from(String(hexText), 'hex');
  return dataCoding === 8 ? bytes.swap16().toString('utf16le') : bytes.toString('latin1');
};

test('Net::SMPP SMSC: it decodes our bind and submit_sm (short, Chinese, UDH long); its receipts and uplinks reach our handlers', async () => {
  const smsc = new PeerProcess('perl', [script('net-smpp-smsc.pl'), '901234', 'secret']);
  const [listening] = await smsc.waitFor('listening');
  const { gateway, recorder } = startGateway(
    gatewayConfig(Number(listening?.port), {}, { systemType: 'HRSS' }),
  );
  try {
    await bound(gateway, recorder);
    const [bind] = smsc.of('bind');
    assert.deepEqual(
      [bind?.system_id, bind?.password, bind?.system_type, bind?.interface_version, bind?.ok],
      ['901234', 'secret', 'HRSS', 0x34, 1],
    );

    const long = '您好，您的养老保险待遇已于本月十日发放到您的社会保障卡银行账户，请注意查收。'.repeat(4); // 152 UCS-2 units: 3 parts
    const parts = [
      ...partsOf('Your card is ready', '13800138000', 1, 1),
      ...partsOf('您的社保卡已制好', '13900139000', 2, 2),
      ...partsOf(long, '13700137000', 0x5a, 3),
    ];
    assert.equal(parts.length, 5);
    const outcomes = await gateway.submit(parts);
    assert.deepEqual(
      outcomes.map((o) => o.kind),
      ['accepted', 'accepted', 'accepted', 'accepted', 'accepted'],
    );
    const submits = await smsc.waitFor('submit_sm', 5);
    const to = (mobile: string) => submits.filter((s) => s.destination_addr === `86${mobile}`);
    assert.deepEqual(
      to('13800138000').map((s) => [s.data_coding, s.esm_class, text(s.short_message, s.data_coding)]),
      [[0, 0, 'Your card is ready']],
    );
    assert.deepEqual(
      to('13900139000').map((s) => [s.data_coding, text(s.short_message, s.data_coding)]),
      [[8, '您的社保卡已制好']],
    );
    // The long one: esm_class UDHI, a 6-byte UDH (IEI 0, reference 0x5a, total, part) then UCS-2.
    const segments = to('13700137000').map((s) => Buffer.from(String(s.short_message), 'hex'));
    assert.ok(to('13700137000').every((s) => s.esm_class === 0x40 && s.data_coding === 8));
    assert.deepEqual(
      segments.map((b) => b.subarray(0, 6).toString('hex')),
      segments.map((_, i) => `0500035a${segments.length.toString(16).padStart(2, '0')}0${i + 1}`),
    );
    assert.equal(segments.map((b) => b.subarray(6).swap16().toString('utf16le')).join(''), long);
    assert.ok(submits.every((s) => s.registered_delivery === 1));

    // Its receipts, text form with decimal ids, come back as DELIVRD for exactly our five parts.
    await recorder.signal.until(() => recorder.reports.length === 5, 'five receipts');
    assert.deepEqual(
      recorder.reports.map((r) => [r.carrierMsgId, r.stat]).sort(),
      submits.map((s) => [String(s.message_id), 'DELIVRD']).sort(),
    );
    assert.deepEqual(
      new Set(outcomes.map((o) => (o.kind === 'accepted' ? o.carrierMsgId : o.kind))),
      new Set(submits.map((s) => String(s.message_id))),
    );

    // Uplinks in GSM default alphabet and in UCS-2.
    smsc.send(`mo 8613800138000 1065712333 ${hex('CBXX#', 'ascii')} 0`);
    smsc.send(`mo 8613900139000 106571233301 ${hex('查询养老金', 'ucs2')} 8`);
    await recorder.signal.until(() => recorder.uplinks.length === 2, 'two uplinks');
    assert.deepEqual(
      recorder.uplinks.map((u) => [u.mobile, u.destId, u.text]),
      [
        ['13800138000', '1065712333', 'CBXX#'],
        ['13900139000', '106571233301', '查询养老金'],
      ],
    );
    const acks = await smsc.waitFor('deliver_sm_resp', 7);
    assert.ok(acks.every((a) => a.status === 0));
  } finally {
    await gateway.close();
    await smsc.close();
  }
});

test('Net::SMPP ESME: binds to our simulator, submits short, Chinese and UDH long messages; gets ids, receipts and an uplink', async () => {
  const sim = await startSim();
  const esme = new PeerProcess('perl', [
    script('net-smpp-esme.pl'),
    String(sim.port),
    SIM_ACCOUNT,
    SIM_SECRET,
  ]);
  try {
    const [bind] = await esme.waitFor('bind_resp');
    assert.deepEqual([bind?.status, bind?.system_id], [0, 'SMS12333SIM']);
    esme.send(`submit 10657 13800138000 ${hex('Hello from Net::SMPP', 'ascii')} 0 0`);
    esme.send(`submit 10657 13900139000 ${hex('您的社保卡已制好', 'ucs2')} 8 0`);
    esme.send(`submit 10657 13700137000 050003770201${hex('第一段，', 'ucs2')} 8 64`);
    esme.send(`submit 10657 13700137000 050003770202${hex('第二段。', 'ucs2')} 8 64`);
    const answers = await esme.waitFor('submit_sm_resp', 4);
    assert.ok(answers.every((a) => a.status === 0));
    const ids = answers.map((a) => String(a.message_id));
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual(
      sim.core.handsets.inbox().map((m) => [m.mobile, m.text, m.segments]),
      [
        ['13800138000', 'Hello from Net::SMPP', 1],
        ['13900139000', '您的社保卡已制好', 1],
        ['13700137000', '第一段，第二段。', 2],
      ],
    );

    const receipts = await esme.waitFor('deliver_sm', 4);
    for (const r of receipts) {
      assert.equal(r.esm_class, 4);
      assert.ok(
        ids.includes(String(r.receipted_message_id)),
        `receipt for ${String(r.receipted_message_id)}`,
      );
      assert.match(
        text(r.short_message, r.data_coding),
        /^id:\d{10,} sub:001 dlvrd:001 .* stat:DELIVRD err:000 text:/,
      );
    }
    await until(() => sim.core.stats().reportsAcked === 4, 'receipts acknowledged');

    sim.injectMo({ from: '13800138000', to: '1065712333', text: 'TD#' });
    sim.injectMo({ from: '13800138000', to: '1065712333', text: '退订' });
    const delivered = await esme.waitFor('deliver_sm', 6);
    assert.deepEqual(
      delivered
        .slice(4)
        .map((d) => [d.source_addr, d.destination_addr, d.esm_class, text(d.short_message, d.data_coding)]),
      [
        ['13800138000', '1065712333', 0, 'TD#'],
        ['13800138000', '1065712333', 0, '退订'],
      ],
    );
    await until(() => sim.core.stats().uplinksAcked === 2, 'uplinks acknowledged');

    esme.send('unbind');
    const [unbound] = await esme.waitFor('unbind_resp');
    assert.equal(unbound?.status, 0);
  } finally {
    await esme.close();
    await sim.close();
  }
});

test('Net::SMPP ESME: a wrong password is refused with ESME_RINVPASWD', async () => {
  const sim = await startSim();
  const esme = new PeerProcess('perl', [script('net-smpp-esme.pl'), String(sim.port), SIM_ACCOUNT, 'wrong']);
  try {
    const [bind] = await esme.waitFor('bind_resp');
    assert.equal(bind?.status, 0x0e);
  } finally {
    await esme.close();
    await sim.close();
  }
});

test('nothing is left open: no socket, server or timer', async () => {
  assert.deepEqual(await noHandlesLeft(), []);
});
