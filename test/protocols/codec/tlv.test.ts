/**
 * The engine's variable-width kinds: C-Octet Strings (SMPP 3.4 §3.1), fields a peer may leave out
 * (`mayBeAbsent`), and TLV sections (SMPP 3.4 §5.3, SMGP 3.0 §6.3) — golden bytes, typed errors,
 * properties, and how `pdu decode` shows them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  cstring,
  lengthOf,
  bytesWithLength,
  mayBeAbsent,
  tlv,
  tlvs,
  u8,
  type StructValue,
} from '../../../src/protocols/codec/fields.js';
import { checkTable, decodeStruct, encodeStruct } from '../../../src/protocols/codec/struct.js';
import { fieldsToJson } from '../../../src/protocols/codec/describe.js';
import { isAppError } from '../../../src/shared/errors.js';
import { fieldsArbitrary } from './arbitrary.js';

const SMPP_LIKE = [
  tlv('receiptedMessageId', 0x001e, 'cstring', 'receipted_message_id'),
  tlv('messageState', 0x0427, 'u8', 'message_state'),
  tlv('sarMsgRefNum', 0x020c, 'u16', 'sar_msg_ref_num'),
  tlv('qosTimeToLive', 0x0017, 'u32', 'qos_time_to_live'),
  tlv('messagePayload', 0x0424, 'octets', 'message_payload'),
  tlv('linkId', 0x0003, 'text', 'LinkID'),
] as const;

const table = [
  cstring('systemId', 16, 'system_id'),
  u8('esmClass', 'esm_class'),
  lengthOf('smLength', 1, 'sm_length'),
  bytesWithLength('shortMessage', 'smLength', { spec: 'short_message', max: 254 }),
  tlvs('tlvs', SMPP_LIKE, 'optional parameters'),
] as const;
type Value = StructValue<typeof table>;

const trailing = [
  u8('status'),
  mayBeAbsent(cstring('messageId', 65, 'message_id')),
  tlvs('tlvs', SMPP_LIKE),
] as const;

const hex = (b: Buffer): string => b.toString('hex');

test('cstring: the text then NUL; max counts the NUL', () => {
  const t = [cstring('a', 4), cstring('b', 4)] as const;
  assert.equal(hex(encodeStruct(t, { a: 'abc', b: '' })), '61626300' + '00');
  assert.deepEqual(decodeStruct(t, Buffer.from('6162630000', 'hex')), {
    ok: true,
    value: { a: 'abc', b: '' },
  });
  assert.throws(
    () => encodeStruct(t, { a: 'abcd', b: '' }),
    (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
  );
  assert.throws(() => encodeStruct(t, { a: 'a\0', b: '' }), /NUL/);
  assert.throws(() => encodeStruct(t, { a: '中', b: '' }), /single-byte/);
});

test('cstring: no NUL within max is TOO_LONG, no NUL before the end is TRUNCATED', () => {
  const t = [cstring('a', 4), u8('x')] as const;
  const tooLong = decodeStruct(t, Buffer.from('6162636400', 'hex'));
  assert.deepEqual(!tooLong.ok && [tooLong.error.code, tooLong.error.field], ['TOO_LONG', 'a']);
  const cut = decodeStruct(t, Buffer.from('6162', 'hex'));
  assert.deepEqual(!cut.ok && [cut.error.code, cut.error.field], ['TRUNCATED', 'a']);
  const after = decodeStruct(t, Buffer.from('6100', 'hex'));
  assert.deepEqual(!after.ok && [after.error.code, after.error.field], ['TRUNCATED', 'x']);
});

test('mayBeAbsent: a trailing field the peer left out decodes as missing and encodes as nothing', () => {
  assert.deepEqual(decodeStruct(trailing, Buffer.from('08', 'hex')), {
    ok: true,
    value: { status: 8, tlvs: {} },
  });
  assert.deepEqual(decodeStruct(trailing, Buffer.from('0800', 'hex')), {
    ok: true,
    value: { status: 8, messageId: '', tlvs: {} },
  });
  assert.equal(hex(encodeStruct(trailing, { status: 0 })), '00');
  assert.equal(hex(encodeStruct(trailing, { status: 0, messageId: 'x' })), '007800');
  assert.throws(
    () => encodeStruct(trailing, { status: 0, tlvs: { messageState: 2 } }),
    /present after the absent messageId/,
    'TLVs after an absent field would be read back as that field',
  );
  assert.throws(() => checkTable([mayBeAbsent(u8('a')), u8('b')], 't'), /follows a field that may be absent/);
  assert.throws(() => checkTable([tlvs('t', []), u8('b')], 't'), /must be last/);
  assert.throws(() => checkTable([tlvs('t', [tlv('a', 1, 'u8'), tlv('b', 1, 'u8')])], 't'), /tag 1 repeated/);
  assert.throws(() => checkTable([tlvs('t', [tlv('unknown', 1, 'u8')])], 't'), /reserved/);
});

/** Tags and values of the cloudhopper receipt vector (test/vectors/smpp34.json decodeDeliverSmAsDeliveryReceipt). */
const RECEIPT_TLVS = '000e000101' + '0006000101' + '001e00083338363031666100' + '0427000102';

test('tlvs: known tags by name, unknown tags kept in order; re-encoding puts known ones first', () => {
  const body = Buffer.concat([
    Buffer.from('534d534300' + '04' + '00', 'hex'),
    Buffer.from(RECEIPT_TLVS, 'hex'),
  ]);
  const r = decodeStruct(table, body);
  assert.deepEqual(r, {
    ok: true,
    value: {
      systemId: 'SMSC',
      esmClass: 4,
      shortMessage: Buffer.alloc(0),
      tlvs: {
        receiptedMessageId: '38601fa',
        messageState: 2,
        unknown: [
          { tag: 0x000e, value: Buffer.from([1]) },
          { tag: 0x0006, value: Buffer.from([1]) },
        ],
      },
    },
  });
  assert.ok(r.ok);
  assert.equal(
    hex(encodeStruct(table, r.value)),
    '534d534300' + '04' + '00' + '001e00083338363031666100' + '0427000102' + '000e000101' + '0006000101',
  );
});

test('tlvs: every value kind has its golden bytes', () => {
  const value: Value = {
    systemId: '',
    esmClass: 0,
    shortMessage: Buffer.alloc(0),
    tlvs: {
      linkId: 'LINK',
      messagePayload: Buffer.from('hi'),
      qosTimeToLive: 0x01020304,
      sarMsgRefNum: 0xbeef,
      messageState: 5,
      receiptedMessageId: 'ab',
    },
  };
  assert.equal(
    hex(encodeStruct(table, value)),
    '00' +
      '00' +
      '00' +
      '001e0003616200' + // cstring with its NUL
      '0427000105' +
      '020c0002beef' +
      '0017000401020304' +
      '042400026869' +
      '000300044c494e4b', // text without NUL
  );
  assert.equal(hex(encodeStruct(table, { ...value, tlvs: {} })), '000000', 'no TLVs, no octets');
  assert.equal(
    hex(encodeStruct(table, { systemId: '', esmClass: 0, shortMessage: Buffer.alloc(0) })),
    '000000',
  );
});

test('tlvs: a value past the end is TRUNCATED, a fragment under 4 octets too; lenientTail drops them', () => {
  const lenient = [tlvs('tlvs', SMPP_LIKE, { spec: 'TLVs', lenientTail: true })] as const;
  const strict = [tlvs('tlvs', SMPP_LIKE)] as const;
  for (const tail of ['04270005ff', '0427']) {
    const bytes = Buffer.from('0427000102' + tail, 'hex');
    const r = decodeStruct(strict, bytes);
    assert.deepEqual(!r.ok && [r.error.code, r.error.field], ['TRUNCATED', 'tlvs'], tail);
    assert.deepEqual(decodeStruct(lenient, bytes), { ok: true, value: { tlvs: { messageState: 2 } } }, tail);
  }
});

test('tlvs: tolerant reading — integers at the width sent, a cstring without NUL, a repeat kept aside', () => {
  const t = [tlvs('tlvs', SMPP_LIKE)] as const;
  // go_smgp writes 1-octet parameters in 2 octets (protocols docs/protocols.md §3.8).
  assert.deepEqual(decodeStruct(t, Buffer.from('042700020001', 'hex')), {
    ok: true,
    value: { tlvs: { messageState: 1 } },
  });
  // A value that does not fit its kind is kept raw rather than failing the PDU.
  assert.deepEqual(decodeStruct(t, Buffer.from('042700020100', 'hex')), {
    ok: true,
    value: { tlvs: { unknown: [{ tag: 0x0427, value: Buffer.from('0100', 'hex') }] } },
  });
  assert.deepEqual(decodeStruct(t, Buffer.from('001e00026162', 'hex')), {
    ok: true,
    value: { tlvs: { receiptedMessageId: 'ab' } },
  });
  assert.deepEqual(decodeStruct(t, Buffer.from('0427000102' + '0427000105', 'hex')), {
    ok: true,
    value: { tlvs: { messageState: 2, unknown: [{ tag: 0x0427, value: Buffer.from([5]) }] } },
  });
});

test('tlvs: encoding refuses values its kinds cannot carry', () => {
  const t = [tlvs('tlvs', SMPP_LIKE)] as const;
  const bad: [string, Record<string, unknown>][] = [
    ['u8 out of range', { messageState: 256 }],
    ['u16 fraction', { sarMsgRefNum: 1.5 }],
    ['cstring with NUL', { receiptedMessageId: 'a\0b' }],
    ['text not single-byte', { linkId: '中' }],
    ['octets not a Buffer', { messagePayload: 'x' }],
    ['value over 65535 octets', { messagePayload: Buffer.alloc(65536) }],
    ['unknown tag too big', { unknown: [{ tag: 0x10000, value: Buffer.alloc(0) }] }],
    ['unknown without a Buffer', { unknown: [{ tag: 1, value: 'x' }] }],
  ];
  for (const [why, tlvValue] of bad) {
    assert.throws(
      () => encodeStruct(t, { tlvs: tlvValue }),
      (e: unknown) => isAppError(e, 'ERR_PROTOCOL_ENCODE'),
      why,
    );
  }
});

test('tlvs: 1-octet tags and lengths when a section declares them', () => {
  const t = [tlvs('tlvs', [tlv('a', 0x01, 'u8')], { tagWidth: 1, lengthWidth: 1 })] as const;
  assert.equal(
    hex(encodeStruct(t, { tlvs: { a: 7, unknown: [{ tag: 9, value: Buffer.from([1, 2]) }] } })),
    '010107' + '09020102',
  );
  assert.deepEqual(decodeStruct(t, Buffer.from('010107', 'hex')), { ok: true, value: { tlvs: { a: 7 } } });
});

test('describe: TLVs by spec name, unknown tags in hex, absent fields left out, per-parameter renderers', () => {
  const r = decodeStruct(trailing, Buffer.from('00' + '3100' + RECEIPT_TLVS, 'hex'));
  assert.ok(r.ok);
  assert.deepEqual(fieldsToJson(trailing, r.value, { 'tlvs.messageState': (v) => `state ${String(v)}` }), {
    status: 0,
    message_id: '1',
    tlvs: {
      receipted_message_id: '38601fa',
      message_state: 'state 2',
      unknown: [
        { tag: '0x000e', value: '01' },
        { tag: '0x0006', value: '01' },
      ],
    },
  });
  assert.deepEqual(fieldsToJson(trailing, { status: 8 }), { status: 8, tlvs: {} });
});

for (const [name, fields] of [
  ['cstring + length + tlvs', table],
  ['mayBeAbsent + tlvs', trailing],
] as const) {
  test(`property (${name}): decode(encode(x)) = x`, () => {
    fc.assert(
      fc.property(fieldsArbitrary(fields), (v) => {
        assert.deepEqual(decodeStruct(fields, encodeStruct(fields, v as never)), { ok: true, value: v });
      }),
      { numRuns: 500 },
    );
  });

  test(`property (${name}): random and truncated bytes decode to a result, never a throw`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        assert.equal(typeof decodeStruct(fields, Buffer.from(b)).ok, 'boolean');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fieldsArbitrary(fields), (v) => {
        const full = encodeStruct(fields, v as never);
        for (let n = 0; n < full.length; n++)
          assert.equal(typeof decodeStruct(fields, full.subarray(0, n)).ok, 'boolean');
      }),
      { numRuns: 100 },
    );
  });
}

test('property: a lenient section decodes any truncation of a valid one to a prefix of its TLVs', () => {
  const lenient = [tlvs('tlvs', SMPP_LIKE, { lenientTail: true })] as const;
  fc.assert(
    fc.property(fieldsArbitrary(lenient), (v) => {
      const full = encodeStruct(lenient, v as never);
      for (let n = 0; n <= full.length; n++)
        assert.ok(decodeStruct(lenient, full.subarray(0, n)).ok, `prefix ${n}`);
    }),
    { numRuns: 100 },
  );
});
