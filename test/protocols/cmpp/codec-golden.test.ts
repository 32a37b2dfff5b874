/**
 * Our golden byte vectors: each PDU of both versions written out field by field from the spec
 * (docs/protocols.md §1.3–§1.8), checked both ways.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cmppMsgIdText,
  cmppTimestamp,
  composeCmppMsgId,
  decodeCmpp,
  decodeCmppReport,
  encodeCmpp,
  encodeCmppReport,
  parseCmppMsgId,
  type CmppPdu,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';
import { isAppError } from '../../../src/shared/errors.js';

/** Octet String: ASCII, NUL-padded on the right to `size`. */
const str = (text: string, size: number): string =>
  Buffer.from(text, 'latin1')
    .toString('hex')
    .padEnd(size * 2, '0');
const n = (value: number, size: number): string => value.toString(16).padStart(size * 2, '0');
const zeros = (size: number): string => '00'.repeat(size);
/** Header: Total_Length, Command_Id, Sequence_Id over the body's hex. */
const pdu = (commandId: number, seq: number, ...body: string[]): string => {
  const b = body.join('');
  return n(12 + b.length / 2, 4) + n(commandId, 4) + n(seq, 4) + b;
};

const digest = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const msgId = 0xb2b9da8000010000n;
const udhText = Buffer.concat([Buffer.from('050003a70201', 'hex'), Buffer.from('hello', 'latin1')]);
const report = {
  msgId,
  stat: 'DELIVRD',
  submitTime: '2401021504',
  doneTime: '2401021505',
  destTerminalId: '13800138000',
  smscSequence: 7,
};

const cases: { name: string; version: CmppVersion; pdu: CmppPdu; hex: string }[] = [
  {
    name: 'CONNECT',
    version: 'cmpp3',
    pdu: {
      command: 'CMPP_CONNECT',
      sequenceId: 1,
      sourceAddr: '901234',
      authenticatorSource: digest,
      version: 0x30,
      timestamp: 1021080510,
    },
    hex: pdu(0x00000001, 1, str('901234', 6), digest.toString('hex'), '30', n(1021080510, 4)),
  },
  {
    name: 'CONNECT_RESP (Status 1 octet)',
    version: 'cmpp2',
    pdu: {
      command: 'CMPP_CONNECT_RESP',
      sequenceId: 1,
      status: 3,
      authenticatorIsmg: Buffer.alloc(16),
      version: 0x20,
    },
    hex: pdu(0x80000001, 1, '03', zeros(16), '20'),
  },
  {
    name: 'CONNECT_RESP (Status 4 octets)',
    version: 'cmpp3',
    pdu: { command: 'CMPP_CONNECT_RESP', sequenceId: 1, status: 0, authenticatorIsmg: digest, version: 0x30 },
    hex: pdu(0x80000001, 1, '00000000', digest.toString('hex'), '30'),
  },
  {
    name: 'TERMINATE',
    version: 'cmpp2',
    pdu: { command: 'CMPP_TERMINATE', sequenceId: 9 },
    hex: pdu(0x00000002, 9),
  },
  {
    name: 'TERMINATE_RESP',
    version: 'cmpp3',
    pdu: { command: 'CMPP_TERMINATE_RESP', sequenceId: 9 },
    hex: pdu(0x80000002, 9),
  },
  {
    name: 'ACTIVE_TEST',
    version: 'cmpp3',
    pdu: { command: 'CMPP_ACTIVE_TEST', sequenceId: 0xffffffff },
    hex: pdu(0x00000008, 0xffffffff),
  },
  {
    name: 'ACTIVE_TEST_RESP (Reserved octet)',
    version: 'cmpp2',
    pdu: { command: 'CMPP_ACTIVE_TEST_RESP', sequenceId: 2, reserved: 0 },
    hex: pdu(0x80000008, 2, '00'),
  },
  {
    name: 'SUBMIT 2.0, concatenated segment with UDH, two recipients',
    version: 'cmpp2',
    pdu: {
      command: 'CMPP_SUBMIT',
      sequenceId: 5,
      msgId: 0n,
      pkTotal: 2,
      pkNumber: 1,
      registeredDelivery: 1,
      msgLevel: 0,
      serviceId: '12333',
      feeUserType: 2,
      feeTerminalId: '',
      tpPid: 0,
      tpUdhi: 1,
      msgFmt: 0,
      msgSrc: '901234',
      feeType: '01',
      feeCode: '000000',
      valIdTime: '',
      atTime: '',
      srcId: '1065712333',
      destTerminalId: ['13800138000', '8613900139000'],
      msgContent: udhText,
      reserve: '',
    },
    hex: pdu(
      0x00000004,
      5,
      zeros(8), // Msg_Id
      '02',
      '01',
      '01',
      '00', // Pk_total, Pk_number, Registered_Delivery, Msg_level
      str('12333', 10),
      '02',
      str('', 21), // Service_Id, Fee_UserType, Fee_terminal_Id (21)
      '00',
      '01',
      '00', // TP_pId, TP_udhi, Msg_Fmt
      str('901234', 6),
      str('01', 2),
      str('000000', 6),
      str('', 17),
      str('', 17),
      str('1065712333', 21),
      '02',
      str('13800138000', 21),
      str('8613900139000', 21), // DestUsr_tl, Dest_terminal_Id × 2
      n(udhText.length, 1),
      udhText.toString('hex'), // Msg_Length, Msg_Content
      zeros(8), // Reserve
    ),
  },
  {
    name: 'SUBMIT 3.0, UCS-2 with LinkID',
    version: 'cmpp3',
    pdu: {
      command: 'CMPP_SUBMIT',
      sequenceId: 6,
      msgId: 0n,
      pkTotal: 1,
      pkNumber: 1,
      registeredDelivery: 0,
      msgLevel: 1,
      serviceId: 'HRSS',
      feeUserType: 0,
      feeTerminalId: '13800138000',
      feeTerminalType: 0,
      tpPid: 0,
      tpUdhi: 0,
      msgFmt: 8,
      msgSrc: '901234',
      feeType: '02',
      feeCode: '10',
      valIdTime: '151105131555101+',
      atTime: '',
      srcId: '10657',
      destTerminalId: ['13800138000'],
      destTerminalType: 1,
      msgContent: Buffer.from('4f60597d', 'hex'),
      linkId: 'LINK-1',
    },
    hex: pdu(
      0x00000004,
      6,
      zeros(8),
      '01',
      '01',
      '00',
      '01',
      str('HRSS', 10),
      '00',
      str('13800138000', 32),
      '00', // …, Fee_terminal_Id (32), Fee_terminal_type
      '00',
      '00',
      '08',
      str('901234', 6),
      str('02', 2),
      str('10', 6),
      str('151105131555101+', 17),
      str('', 17),
      str('10657', 21),
      '01',
      str('13800138000', 32),
      '01', // DestUsr_tl, Dest_terminal_Id (32), Dest_terminal_type
      '04',
      '4f60597d',
      str('LINK-1', 20), // LinkID
    ),
  },
  {
    name: 'SUBMIT_RESP 2.0 (Result 1 octet)',
    version: 'cmpp2',
    pdu: { command: 'CMPP_SUBMIT_RESP', sequenceId: 5, msgId, result: 8 },
    hex: pdu(0x80000004, 5, msgId.toString(16), '08'),
  },
  {
    name: 'SUBMIT_RESP 3.0 (Result 4 octets)',
    version: 'cmpp3',
    pdu: { command: 'CMPP_SUBMIT_RESP', sequenceId: 5, msgId, result: 13 },
    hex: pdu(0x80000004, 5, msgId.toString(16), '0000000d'),
  },
  {
    name: 'DELIVER 2.0 status report (60-octet body)',
    version: 'cmpp2',
    pdu: {
      command: 'CMPP_DELIVER',
      sequenceId: 77,
      msgId: 1n,
      destId: '1065712333',
      serviceId: '12333',
      tpPid: 0,
      tpUdhi: 0,
      msgFmt: 0,
      srcTerminalId: '13800138000',
      registeredDelivery: 1,
      msgContent: encodeCmppReport('cmpp2', report),
      reserved: '',
    },
    hex: pdu(
      0x00000005,
      77,
      n(1, 8),
      str('1065712333', 21),
      str('12333', 10),
      '00',
      '00',
      '00',
      str('13800138000', 21),
      '01',
      '3c', // Msg_Length 60
      msgId.toString(16),
      str('DELIVRD', 7),
      str('2401021504', 10),
      str('2401021505', 10),
      str('13800138000', 21),
      n(7, 4),
      zeros(8),
    ),
  },
  {
    name: 'DELIVER 3.0 uplink',
    version: 'cmpp3',
    pdu: {
      command: 'CMPP_DELIVER',
      sequenceId: 78,
      msgId: 2n,
      destId: '10657123330101',
      serviceId: '',
      tpPid: 0,
      tpUdhi: 0,
      msgFmt: 8,
      srcTerminalId: '8613800138000',
      srcTerminalType: 0,
      registeredDelivery: 0,
      msgContent: Buffer.from('0054', 'hex'),
      linkId: '',
    },
    hex: pdu(
      0x00000005,
      78,
      n(2, 8),
      str('10657123330101', 21),
      str('', 10),
      '00',
      '00',
      '08',
      str('8613800138000', 32),
      '00',
      '00',
      '02',
      '0054',
      zeros(20),
    ),
  },
  {
    name: 'DELIVER_RESP 2.0',
    version: 'cmpp2',
    pdu: { command: 'CMPP_DELIVER_RESP', sequenceId: 77, msgId: 1n, result: 0 },
    hex: pdu(0x80000005, 77, n(1, 8), '00'),
  },
  {
    name: 'DELIVER_RESP 3.0',
    version: 'cmpp3',
    pdu: { command: 'CMPP_DELIVER_RESP', sequenceId: 78, msgId: 2n, result: 9 },
    hex: pdu(0x80000005, 78, n(2, 8), '00000009'),
  },
  {
    name: 'QUERY',
    version: 'cmpp3',
    pdu: {
      command: 'CMPP_QUERY',
      sequenceId: 3,
      time: '20240102',
      queryType: 1,
      queryCode: 'HRSS',
      reserve: '',
    },
    hex: pdu(0x00000006, 3, str('20240102', 8), '01', str('HRSS', 10), zeros(8)),
  },
  {
    name: 'QUERY_RESP',
    version: 'cmpp2',
    pdu: {
      command: 'CMPP_QUERY_RESP',
      sequenceId: 3,
      time: '20240102',
      queryType: 0,
      queryCode: '',
      mtTlmsg: 1,
      mtTlusr: 2,
      mtScs: 3,
      mtWt: 4,
      mtFl: 5,
      moScs: 6,
      moWt: 7,
      moFl: 8,
    },
    hex: pdu(
      0x80000006,
      3,
      str('20240102', 8),
      '00',
      str('', 10),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((x) => n(x, 4)),
    ),
  },
  {
    name: 'CANCEL',
    version: 'cmpp2',
    pdu: { command: 'CMPP_CANCEL', sequenceId: 4, msgId },
    hex: pdu(0x00000007, 4, msgId.toString(16)),
  },
  {
    name: 'CANCEL_RESP 2.0',
    version: 'cmpp2',
    pdu: { command: 'CMPP_CANCEL_RESP', sequenceId: 4, successId: 1 },
    hex: pdu(0x80000007, 4, '01'),
  },
  {
    name: 'CANCEL_RESP 3.0',
    version: 'cmpp3',
    pdu: { command: 'CMPP_CANCEL_RESP', sequenceId: 4, successId: 0 },
    hex: pdu(0x80000007, 4, '00000000'),
  },
];

for (const c of cases) {
  test(`golden ${c.version} ${c.name}`, () => {
    assert.equal(encodeCmpp(c.version, c.pdu).toString('hex'), c.hex);
    assert.deepEqual(decodeCmpp(c.version, Buffer.from(c.hex, 'hex')), { ok: true, value: c.pdu });
  });
}

test('version-only fields default when left out: 3.0 SUBMIT without LinkID / terminal types', () => {
  const submit3 = cases.find((c) => c.name.startsWith('SUBMIT 3.0'));
  assert.ok(submit3?.pdu.command === 'CMPP_SUBMIT');
  const { linkId: _l, feeTerminalType: _f, destTerminalType: _d, ...common } = submit3.pdu;
  const decoded = decodeCmpp('cmpp3', encodeCmpp('cmpp3', common));
  assert.ok(decoded.ok && decoded.value.command === 'CMPP_SUBMIT');
  assert.equal(decoded.value.linkId, '');
  assert.equal(decoded.value.destTerminalType, 0);
  // The same value encodes for 2.0 too: the 3.0-only fields are simply not on the 2.0 wire.
  assert.equal(encodeCmpp('cmpp2', common).length, 12 + 117 + 21 + 1 + 4 + 8);
});

test('decode errors: unknown command, lying Total_Length, truncated body, wrong version width', () => {
  const unknown = decodeCmpp('cmpp2', Buffer.from(pdu(0x00000003, 1), 'hex'));
  assert.equal(!unknown.ok && unknown.error.code, 'UNKNOWN_COMMAND');

  const lying = Buffer.from(pdu(0x80000004, 5, msgId.toString(16), '00'), 'hex');
  lying.writeUInt32BE(30, 0);
  const lie = decodeCmpp('cmpp2', lying);
  assert.equal(!lie.ok && lie.error.code, 'LENGTH_MISMATCH');

  const cut = Buffer.from(pdu(0x80000004, 5, msgId.toString(16).slice(0, 8)), 'hex');
  const short = decodeCmpp('cmpp2', cut);
  assert.equal(!short.ok && short.error.code, 'TRUNCATED');

  const resp3 = Buffer.from(pdu(0x80000004, 5, msgId.toString(16), '00000000'), 'hex');
  const asV2 = decodeCmpp('cmpp2', resp3);
  assert.equal(
    !asV2.ok && asV2.error.code,
    'LENGTH_MISMATCH',
    'a 3.0 Result read as 2.0 leaves 3 octets over',
  );

  const headerOnly = decodeCmpp('cmpp2', Buffer.from('0000000c00000004', 'hex'));
  assert.equal(!headerOnly.ok && headerOnly.error.code, 'TRUNCATED');
});

test('encoding refuses bad local input with ERR_PROTOCOL_ENCODE', () => {
  const tooLong = {
    command: 'CMPP_CONNECT',
    sequenceId: 1,
    sourceAddr: '1234567',
    authenticatorSource: digest,
    version: 0x30,
    timestamp: 0,
  } as const;
  assert.throws(
    () => encodeCmpp('cmpp3', tooLong),
    (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
  );
  const badSeq = { command: 'CMPP_ACTIVE_TEST', sequenceId: 2 ** 32 } as const;
  assert.throws(
    () => encodeCmpp('cmpp3', badSeq),
    (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
  );
  assert.throws(
    () => encodeCmpp('cmpp3', { command: 'CMPP_NOPE', sequenceId: 1 } as unknown as CmppPdu),
    (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
  );
});

test('Msg_Id: docs/protocols.md §1.6 example, compose and parse are inverse, decimal text', () => {
  const fields = { month: 11, day: 5, hour: 14, minute: 29, second: 42, gatewayId: 1, sequence: 0 };
  assert.equal(composeCmppMsgId(fields), 0xb2b9da8000010000n);
  assert.deepEqual(parseCmppMsgId(0xb2b9da8000010000n), fields);
  assert.equal(cmppMsgIdText(0xb2b9da8000010000n), '12878564852733378560');
  const max = {
    month: 15,
    day: 31,
    hour: 31,
    minute: 63,
    second: 63,
    gatewayId: 2 ** 22 - 1,
    sequence: 65535,
  };
  assert.equal(composeCmppMsgId(max), (1n << 64n) - 1n);
  assert.throws(
    () => composeCmppMsgId({ ...fields, gatewayId: 2 ** 22 }),
    (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
  );
});

test('timestamp is Beijing MMDDHHMMSS whatever the host zone', () => {
  // 2024-10-21 00:05:10 UTC is 08:05:10 in Beijing.
  assert.deepEqual(cmppTimestamp(Date.UTC(2024, 9, 21, 0, 5, 10)), { text: '1021080510', value: 1021080510 });
  // 2024-01-01 16:00:00 UTC is already 2 January in Beijing; the leading zero stays in the text.
  assert.deepEqual(cmppTimestamp(Date.UTC(2024, 0, 1, 16, 0, 0)), { text: '0102000000', value: 102000000 });
});

test('a report decodes by its length: 60 (2.0 layout) or 71 (3.0), anything else is an error', () => {
  const r2 = encodeCmppReport('cmpp2', report);
  const r3 = encodeCmppReport('cmpp3', report);
  assert.deepEqual([r2.length, r3.length], [60, 71]);
  assert.deepEqual(decodeCmppReport(r2), { ok: true, value: report });
  assert.deepEqual(decodeCmppReport(r3), { ok: true, value: report });
  const odd = decodeCmppReport(r3.subarray(0, 65));
  assert.equal(!odd.ok && odd.error.code, 'LENGTH_MISMATCH');
});
