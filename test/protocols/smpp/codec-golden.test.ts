/**
 * Our own golden bytes, worked out by hand from SMPP 3.4 chapter 4 (header §3.2, C-Octet Strings
 * §3.1, TLVs §5.3): the PDUs the gateway and simulator write, built through the same mapping code
 * they use, must come out as exactly these octets and decode back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import type { SmppOptions, SubmitPart } from '../../../src/protocols/gateway.js';
import { DEFAULT_SMPP_OPTIONS, submitJobsOf } from '../../../src/protocols/smpp/client-mapping.js';
import { decodeSmpp, encodeSmpp, type SmppPdu } from '../../../src/protocols/smpp/index.js';
import { bindPduOf } from '../../../src/protocols/smpp/esme-pdus.js';

const NIHAO = Buffer.from('4f60597d', 'hex'); // "你好" in UCS-2

function part(partNo: number, total: number): SubmitPart {
  return {
    messageId: 9,
    mobile: '13800138000',
    srcId: '10657',
    wantReport: true,
    segment: {
      partNo,
      total,
      coding: 'ucs2',
      udh: total > 1 ? concatUdh(0x42, total, partNo) : null,
      payload: NIHAO,
      text: '你好',
    },
  };
}

function encodedJob(parts: SubmitPart[], longMessage: SmppOptions['longMessage'], seq: number): string[] {
  return submitJobsOf(parts, { ...DEFAULT_SMPP_OPTIONS, longMessage }).map((job) =>
    encodeSmpp({ ...job.body, sequenceNumber: seq }).toString('hex'),
  );
}

const golden = (name: string, pdu: SmppPdu, hex: string): void => {
  test(`golden ${name}`, () => {
    assert.equal(encodeSmpp(pdu).toString('hex'), hex);
    assert.deepEqual(decodeSmpp(Buffer.from(hex, 'hex')), { ok: true, value: pdu });
  });
};

test('golden bind_transceiver as the gateway sends it (§4.1.5)', () => {
  const pdu = bindPduOf('transceiver', 1, { account: '901234', secret: 'secret' }, { systemType: '' });
  const hex = '0000002300000009000000000000000139303132333400736563726574000034000000';
  assert.equal(encodeSmpp(pdu).toString('hex'), hex);
});

test('golden submit_sm, long message as a UDH segment: esm_class 0x40, TON/NPI 1/1 with the 86 code', () => {
  assert.deepEqual(encodedJob([part(1, 2)], 'udh', 2), [
    '0000003d000000040000000000000002' +
      '00' + // service_type
      '0000' +
      '313036353700' + // source TON/NPI 0/0, "10657"
      '0101' +
      '3836313338303031333830303000' + // dest TON/NPI 1/1, "8613800138000"
      '40' +
      '00' +
      '00' +
      '00' +
      '00' + // esm_class, protocol_id, priority, schedule, validity
      '01' +
      '00' +
      '08' +
      '00' + // registered_delivery 1, replace, data_coding 8, sm_default_msg_id
      '0a' +
      '050003420201' +
      '4f60597d',
  ]);
});

test('golden submit_sm, long message by SAR TLVs 0x020C / 0x020E / 0x020F', () => {
  assert.deepEqual(encodedJob([part(1, 2)], 'sar', 3), [
    '00000047000000040000000000000003000000313036353700010138363133383030313338303030000000000000' +
      '01000800' +
      '04' +
      '4f60597d' +
      '020c00020042' +
      '020e000102' +
      '020f000101',
  ]);
});

test('golden submit_sm, long message as one message_payload (sm_length 0), both parts in it', () => {
  assert.deepEqual(encodedJob([part(2, 2), part(1, 2)], 'payload', 4), [
    '0000003f000000040000000000000004000000313036353700010138363133383030313338303030000000000000' +
      '01000800' +
      '00' +
      '04240008' +
      '4f60597d4f60597d',
  ]);
  const jobs = submitJobsOf([part(2, 2), part(1, 2)], { ...DEFAULT_SMPP_OPTIONS, longMessage: 'payload' });
  assert.deepEqual(
    jobs.map((j) => j.parts),
    [[1, 0]],
    'one PDU answers both parts, in part order',
  );
  const single = submitJobsOf([part(1, 1)], { ...DEFAULT_SMPP_OPTIONS, longMessage: 'payload' });
  assert.equal(
    single[0]?.body.shortMessage.toString('hex'),
    '4f60597d',
    'a single SMS stays a short_message',
  );
});

golden(
  'generic_nack ESME_RINVCMDID (header only, §4.3.1)',
  { command: 'generic_nack', commandStatus: 3, sequenceNumber: 5 },
  '00000010800000000000000300000005',
);
golden(
  'deliver_sm_resp with the NULL message_id (§4.6.2)',
  { command: 'deliver_sm_resp', commandStatus: 0, sequenceNumber: 6, messageId: '', tlvs: {} },
  '0000001180000005000000000000000600',
);
golden(
  'bind_transceiver_resp with sc_interface_version (§4.1.6, §5.3.2.25)',
  {
    command: 'bind_transceiver_resp',
    commandStatus: 0,
    sequenceNumber: 7,
    systemId: 'SMS12333SIM',
    tlvs: { scInterfaceVersion: 0x34 },
  },
  '00000021800000090000000000000007534d53313233333353494d000210000134',
);
golden(
  'submit_sm_resp ESME_RTHROTTLED without message_id (docs/protocols.md §4.4)',
  { command: 'submit_sm_resp', commandStatus: 0x58, sequenceNumber: 8, tlvs: {} },
  '00000010800000040000005800000008',
);
golden(
  'enquire_link_resp',
  { command: 'enquire_link_resp', commandStatus: 0, sequenceNumber: 0x7fffffff },
  '000000108000001500000000' + '7fffffff',
);

test('encoding refuses what the fields cannot hold: a password over 8 characters, a 22-digit address', () => {
  assert.throws(() =>
    encodeSmpp(bindPduOf('receiver', 1, { account: 'a', secret: '123456789' }, { systemType: '' })),
  );
  const [job] = submitJobsOf([{ ...part(1, 1), srcId: '1'.repeat(21) }], DEFAULT_SMPP_OPTIONS);
  assert.ok(job);
  assert.throws(() => encodeSmpp({ ...job.body, sequenceNumber: 1 }), /sourceAddr/);
});
