import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bytes,
  bytesWithLength,
  lengthOf,
  list,
  octets,
  rest,
  u16,
  u32,
  u64,
  u8,
  withDefault,
  type StructValue,
} from '../../../src/protocols/codec/fields.js';
import { checkTable, decodeStruct, encodeStruct } from '../../../src/protocols/codec/struct.js';
import { isAppError } from '../../../src/shared/errors.js';

const table = [
  u8('a'),
  u16('b'),
  u32('c'),
  u64('d'),
  octets('name', 6),
  bytes('digest', 4),
  lengthOf('count', 1),
  list('items', 'count', octets('item', 3), { max: 5 }),
  lengthOf('len', 2),
  bytesWithLength('body', 'len', { max: 300 }),
  withDefault(octets('reserve', 4), ''),
] as const;
type Value = StructValue<typeof table>;

const sample: Value = {
  a: 1,
  b: 0x0203,
  c: 0x04050607,
  d: 0x08090a0b0c0d0e0fn,
  name: 'abc',
  digest: Buffer.from('deadbeef', 'hex'),
  items: ['x', 'yz'],
  body: Buffer.from('hi'),
  reserve: 'r',
};
const sampleHex = [
  '01',
  '0203',
  '04050607',
  '08090a0b0c0d0e0f',
  '616263000000', // "abc" NUL-padded to 6
  'deadbeef',
  '02', // count computed
  '780000', // "x"
  '797a00', // "yz"
  '0002', // length computed
  '6869',
  '72000000',
].join('');

test('encodes a table field by field, computing counts and lengths', () => {
  assert.equal(encodeStruct(table, sample).toString('hex'), sampleHex);
});

test('decodes the same bytes back to the value', () => {
  assert.deepEqual(decodeStruct(table, Buffer.from(sampleHex, 'hex')), { ok: true, value: sample });
});

test('a field with a default may be left out, and decodes to the default', () => {
  const { reserve: _reserve, ...rest } = sample;
  const encoded = encodeStruct(table, rest);
  assert.equal(encoded.subarray(-4).toString('hex'), '00000000');
  const back = decodeStruct(table, encoded);
  assert.ok(back.ok);
  assert.equal(back.value.reserve, '');
});

test('octet strings stop at the first NUL and lose trailing spaces', () => {
  const t = [octets('s', 8)] as const;
  assert.deepEqual(decodeStruct(t, Buffer.from('ab  \0zzz', 'latin1')), { ok: true, value: { s: 'ab' } });
  assert.deepEqual(decodeStruct(t, Buffer.from('abcdefgh', 'latin1')), {
    ok: true,
    value: { s: 'abcdefgh' },
  });
  assert.deepEqual(decodeStruct(t, Buffer.from('a b     ', 'latin1')), { ok: true, value: { s: 'a b' } });
});

test('a rest field takes whatever follows, possibly nothing', () => {
  const t = [u8('x'), rest('tail')] as const;
  assert.deepEqual(decodeStruct(t, Buffer.from('07', 'hex')), {
    ok: true,
    value: { x: 7, tail: Buffer.alloc(0) },
  });
  assert.deepEqual(decodeStruct(t, Buffer.from('070102', 'hex')), {
    ok: true,
    value: { x: 7, tail: Buffer.from('0102', 'hex') },
  });
  assert.equal(encodeStruct(t, { x: 7, tail: Buffer.from('0102', 'hex') }).toString('hex'), '070102');
});

test('decoded Buffers are copies, not views of the input', () => {
  const input = Buffer.from(sampleHex, 'hex');
  const back = decodeStruct(table, input);
  assert.ok(back.ok);
  input.fill(0);
  assert.equal(back.value.body.toString(), 'hi');
  assert.equal(back.value.digest.toString('hex'), 'deadbeef');
});

test('decode errors carry a stable code and the field', () => {
  const full = Buffer.from(sampleHex, 'hex');
  const cut = decodeStruct(table, full.subarray(0, 5));
  assert.ok(!cut.ok);
  assert.equal(cut.error.code, 'TRUNCATED');
  assert.equal(cut.error.field, 'c');

  const extra = decodeStruct(table, Buffer.concat([full, Buffer.from([0])]));
  assert.equal(!extra.ok && extra.error.code, 'LENGTH_MISMATCH');

  const tooMany = Buffer.from(full);
  tooMany[1 + 2 + 4 + 8 + 6 + 4] = 6; // count above the list's max of 5
  const many = decodeStruct(table, tooMany);
  assert.equal(!many.ok && many.error.code, 'TOO_LONG');
  assert.equal(!many.ok && many.error.field, 'items');

  const lying = Buffer.from(full);
  lying.writeUInt16BE(200, 1 + 2 + 4 + 8 + 6 + 4 + 1 + 6); // body length beyond the bytes present
  const lie = decodeStruct(table, lying);
  assert.equal(!lie.ok && lie.error.code, 'TRUNCATED');
  assert.equal(!lie.ok && lie.error.field, 'body');
});

test('encoding refuses values the table cannot carry, with ERR_PROTOCOL_ENCODE', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['u8 out of range', { a: 256 }],
    ['negative', { b: -1 }],
    ['fraction', { c: 1.5 }],
    ['u64 too big', { d: 1n << 64n }],
    ['u64 as number', { d: 1 }],
    ['octets too long', { name: 'abcdefg' }],
    ['octets not single-byte', { name: '中' }],
    ['bytes of the wrong size', { digest: Buffer.alloc(3) }],
    ['too many list items', { items: ['a', 'b', 'c', 'd', 'e', 'f'] }],
    ['list item too long', { items: ['abcd'] }],
    ['body above max', { body: Buffer.alloc(301) }],
    ['missing field', { a: undefined }],
  ];
  for (const [why, patch] of bad) {
    assert.throws(
      () => encodeStruct(table, { ...sample, ...patch }),
      (err: unknown) => isAppError(err, 'ERR_PROTOCOL_ENCODE'),
      why,
    );
  }
});

test('a malformed table is refused when it is defined', () => {
  assert.throws(() => checkTable([bytesWithLength('x', 'len')], 't'), /length field len/);
  assert.throws(() => checkTable([lengthOf('len', 1)], 't'), /not used/);
  assert.throws(() => checkTable([rest('r'), u8('x')], 't'), /must be last/);
  assert.throws(() => checkTable([u8('x'), u8('x')], 't'), /duplicate/);
});

const text = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: max,
  });
const arbValue: fc.Arbitrary<Value> = fc.record({
  a: fc.integer({ min: 0, max: 0xff }),
  b: fc.integer({ min: 0, max: 0xffff }),
  c: fc.integer({ min: 0, max: 0xffffffff }),
  d: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  name: text(6),
  digest: fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => Buffer.from(b)),
  items: fc.array(text(3), { maxLength: 5 }),
  body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  reserve: text(4),
});

test('property: decode(encode(x)) = x', () => {
  fc.assert(
    fc.property(arbValue, (v) => {
      // fc.record builds null-prototype objects; compare a plain copy.
      assert.deepEqual(decodeStruct(table, encodeStruct(table, v)), { ok: true, value: { ...v } });
    }),
  );
});

test('property: random bytes and every truncation decode to a result, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      const r = decodeStruct(table, Buffer.from(b));
      assert.equal(typeof r.ok, 'boolean');
    }),
  );
  fc.assert(
    fc.property(arbValue, (v) => {
      const full = encodeStruct(table, v);
      for (let n = 0; n < full.length; n++) {
        const r = decodeStruct(table, full.subarray(0, n));
        assert.equal(r.ok, false, `prefix of ${n} octets`);
      }
    }),
    { numRuns: 30 },
  );
});
