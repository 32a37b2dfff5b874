/**
 * Our golden byte vectors: each SMGP PDU written out field by field from the spec (SMGP V3.0.3
 * §5.2.2, §6.3; protocols docs/protocols.md §3), checked both ways; the MsgID, the authenticators and the
 * report text likewise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isAppError } from '../../../src/shared/errors.js';
import {
  composeSmgpMsgId,
  decodeSmgp,
  encodeSmgp,
  encodeSmgpReport,
  parseSmgpMsgId,
  smgpAuthenticatorClient,
  smgpAuthenticatorServer,
  smgpMsgIdFromText,
  smgpMsgIdText,
  smgpTimestamp,
  type SmgpLayout,
  type SmgpPdu,
} from '../../../src/protocols/smgp/index.js';

/** Octet String: ASCII, NUL-padded on the right to `size`. */
const str = (text: string, size: number): string =>
  Buffer.from(text, 'latin1')
    .toString('hex')
    .padEnd(size * 2, '0');
const n = (value: number, size: number): string => value.toString(16).padStart(size * 2, '0');
const zeros = (size: number): string => '00'.repeat(size);
/** Header: PacketLength, RequestID, SequenceID over the body's hex. */
const pdu = (requestId: number, seq: number, ...body: string[]): string => {
  const b = body.join('');
  return n(12 + b.length / 2, 4) + n(requestId, 4) + n(seq, 4) + b;
};
/** One TLV: Tag 2, Length 2, Value (§6.3). */
const tlvHex = (tag: number, valueHex: string): string => n(tag, 2) + n(valueHex.length / 2, 2) + valueHex;

const digest = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const msgId = Buffer.from('01006101161700012345', 'hex');
const udhText = Buffer.concat([Buffer.from('050003a70201', 'hex'), Buffer.from('hello', 'latin1')]);
const report = encodeSmgpReport({
  id: msgId,
  sub: '001',
  dlvrd: '001',
  submitDate: '2401021504',
  doneDate: '2401021505',
  stat: 'DELIVRD',
  err: '000',
  txt: Buffer.from('005hello', 'latin1'),
});

const submitFields = {
  msgType: 6,
  needReport: 1,
  priority: 1,
  serviceId: 'HRSS12333',
  feeType: '00',
  feeCode: '000000',
  msgFormat: 0,
  validTime: '',
  atTime: '',
  srcTermId: '1065912333',
  chargeTermId: '',
  destTermId: ['13300133000', '8613300133001'],
  msgContent: udhText,
  reserve: '',
  options: { tpUdhi: 1, pkTotal: 2, pkNumber: 1, mServiceId: 'ABC' },
} as const;
const submitHead = ['06', '01', '01', str('HRSS12333', 10), str('00', 2), str('000000', 6)];
const submitTail = [
  '00',
  zeros(17),
  zeros(17),
  str('1065912333', 21),
  zeros(21),
  '02',
  str('13300133000', 21),
  str('8613300133001', 21),
  n(udhText.length, 1),
  udhText.toString('hex'),
  zeros(8),
  tlvHex(0x0002, '01'),
  tlvHex(0x0009, '02'),
  tlvHex(0x000a, '01'),
  tlvHex(0x0012, '41424300'),
];

const cases: { name: string; layout?: SmgpLayout; pdu: SmgpPdu; hex: string }[] = [
  {
    name: 'Login (30-octet body)',
    pdu: {
      command: 'SMGP_LOGIN',
      sequenceId: 1,
      clientId: '10612333',
      authenticatorClient: digest,
      loginMode: 2,
      timeStamp: 301000000,
      clientVersion: 0x30,
    },
    hex: pdu(0x00000001, 1, str('10612333', 8), digest.toString('hex'), '02', '11f0e540', '30'),
  },
  {
    name: 'Login_Resp, Status 4 octets',
    pdu: {
      command: 'SMGP_LOGIN_RESP',
      sequenceId: 1,
      status: 21,
      authenticatorServer: Buffer.alloc(16),
      serverVersion: 0x30,
    },
    hex: pdu(0x80000001, 1, '00000015', zeros(16), '30'),
  },
  {
    name: 'Submit 3.0: FixedFee, two recipients, UDH, TLVs after Reserve',
    pdu: { command: 'SMGP_SUBMIT', sequenceId: 5, ...submitFields, fixedFee: '000000' },
    hex: pdu(0x00000002, 5, ...submitHead, str('000000', 6), ...submitTail),
  },
  {
    name: 'Submit in the 1.3 layout: no FixedFee',
    layout: 'smgp13',
    pdu: { command: 'SMGP_SUBMIT', sequenceId: 5, ...submitFields },
    hex: pdu(0x00000002, 5, ...submitHead, ...submitTail),
  },
  {
    name: 'Submit_Resp: MsgID 10 + Status 4',
    pdu: { command: 'SMGP_SUBMIT_RESP', sequenceId: 5, msgId, status: 0 },
    hex: pdu(0x80000002, 5, msgId.toString('hex'), '00000000'),
  },
  {
    name: 'Deliver carrying a report, with a TLV',
    pdu: {
      command: 'SMGP_DELIVER',
      sequenceId: 9,
      msgId: Buffer.from('01006101161700012346', 'hex'),
      isReport: 1,
      msgFormat: 0,
      recvTime: '20240102150501',
      srcTermId: '13300133000',
      destTermId: '1065912333',
      msgContent: report,
      reserve: '',
      options: { tpPid: 0 },
    },
    hex: pdu(
      0x00000003,
      9,
      '01006101161700012346',
      '01',
      '00',
      str('20240102150501', 14),
      str('13300133000', 21),
      str('1065912333', 21),
      n(122, 1),
      report.toString('hex'),
      zeros(8),
      tlvHex(0x0001, '00'),
    ),
  },
  {
    name: 'Deliver_Resp',
    pdu: { command: 'SMGP_DELIVER_RESP', sequenceId: 9, msgId, status: 1 },
    hex: pdu(0x80000003, 9, msgId.toString('hex'), '00000001'),
  },
  {
    name: 'Active_Test',
    pdu: { command: 'SMGP_ACTIVE_TEST', sequenceId: 0xffffffff },
    hex: pdu(4, 0xffffffff),
  },
  {
    name: 'Active_Test_Resp: no body (CMPP has one octet)',
    pdu: { command: 'SMGP_ACTIVE_TEST_RESP', sequenceId: 2 },
    hex: pdu(0x80000004, 2),
  },
  { name: 'Exit', pdu: { command: 'SMGP_EXIT', sequenceId: 3 }, hex: pdu(6, 3) },
  { name: 'Exit_Resp', pdu: { command: 'SMGP_EXIT_RESP', sequenceId: 3 }, hex: pdu(0x80000006, 3) },
  {
    name: 'Query',
    pdu: { command: 'SMGP_QUERY', sequenceId: 4, queryTime: '20240102', queryType: 1, queryCode: 'HRSS' },
    hex: pdu(7, 4, str('20240102', 8), '01', str('HRSS', 10)),
  },
  {
    name: 'Query_Resp: eight counters and Reserve',
    pdu: {
      command: 'SMGP_QUERY_RESP',
      sequenceId: 4,
      queryTime: '20240102',
      queryType: 0,
      queryCode: '',
      mtTlMsg: 1,
      mtTlUsr: 2,
      mtScs: 3,
      mtWt: 4,
      mtFl: 5,
      moScs: 6,
      moWt: 7,
      moFl: 8,
      reserve: '',
    },
    hex: pdu(
      0x80000007,
      4,
      str('20240102', 8),
      '00',
      zeros(10),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((c) => n(c, 4)),
      zeros(8),
    ),
  },
];

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const frame = encodeSmgp(c.pdu, c.layout);
    assert.equal(frame.toString('hex'), c.hex);
    assert.deepEqual(decodeSmgp(Buffer.from(c.hex, 'hex'), c.layout), { ok: true, value: c.pdu });
  });
}

test('MsgID: the spec example 0x01006101161700012345 (§6.2.26) both ways; its text is its 20 digits', () => {
  const fields = { smgwCode: '010061', month: 1, day: 16, hour: 17, minute: 0, sequence: 12345 };
  assert.deepEqual(composeSmgpMsgId(fields), msgId);
  assert.deepEqual(parseSmgpMsgId(msgId), fields);
  assert.equal(smgpMsgIdText(msgId), '01006101161700012345');
  assert.deepEqual(smgpMsgIdFromText('01006101161700012345'), msgId);
  assert.equal(parseSmgpMsgId(Buffer.from('6495c36ac4ea6b00000b', 'hex')), null, 'not BCD: opaque');
  assert.equal(smgpMsgIdText(Buffer.from('6495c36ac4ea6b00000b', 'hex')), '6495c36ac4ea6b00000b');
  assert.equal(smgpMsgIdFromText('xyz'), null);
  for (const bad of [{ smgwCode: '01006' }, { month: 13 }, { minute: 60 }, { sequence: 1_000_000 }]) {
    assert.throws(
      () => composeSmgpMsgId({ ...fields, ...bad }),
      (err) => isAppError(err, 'ERR_PROTOCOL_ENCODE'),
    );
  }
});

test('authenticators: MD5(ClientID ‖ 7×0x00 ‖ secret ‖ "MMDDHHMMSS") and MD5(Status 4 octets ‖ client ‖ secret)', () => {
  const md5 = (hex: string): string => createHash('md5').update(Buffer.from(hex, 'hex')).digest('hex');
  const client = smgpAuthenticatorClient('10612333', 's3cret', '0301000000');
  assert.equal(
    client.toString('hex'),
    md5(str('10612333', 8) + zeros(7) + str('s3cret', 6) + str('0301000000', 10)),
  );
  assert.equal(
    smgpAuthenticatorServer(0, client, 's3cret').toString('hex'),
    md5('00000000' + client.toString('hex') + str('s3cret', 6)),
  );
  // docs/protocols.md §3.3: 1 March 00:00:00 → TimeStamp 0x11F0E540, the string "0301000000" (Beijing time).
  assert.deepEqual(smgpTimestamp(Date.UTC(2024, 1, 29, 16)), { text: '0301000000', value: 0x11f0e540 });
});

test('report text: the 122-octet layout of §6.2.63, fields NUL-padded', () => {
  const text = report.toString('latin1');
  assert.equal(report.length, 122);
  assert.deepEqual(report.subarray(3, 13), msgId);
  assert.equal(
    text.slice(13),
    ' sub:001 dlvrd:001 Submit date:2401021504 done date:2401021505 stat:DELIVRD err:000 Text:005hello' +
      '\0'.repeat(12),
  );
});
