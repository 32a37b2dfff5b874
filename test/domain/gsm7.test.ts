import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from '../helpers/vectors.js';
import fc from 'fast-check';
import {
  decodeGsm7,
  encodeGsm7,
  gsm7Septets,
  isGsm7,
  isGsm7Extension,
  packSeptets,
  unpackSeptets,
} from '../../src/domain/text/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

interface Gsm7Vector {
  name: string;
  hex: string;
  kind: 'packed' | 'unpacked';
  septet_count?: number;
  fill_bits?: number;
  decoded: { text?: string; septets_hex?: string };
}
const vectors = loadVectors<Gsm7Vector>('gsm7');

const EXTENSION = '\f^{}\\[~]|€';
/** Every character of the default alphabet (TS 23.038 §6.2.1), in code order, ESC left out. */
const DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const gsmText = fc.string({ unit: fc.constantFrom(...Array.from(DEFAULT + EXTENSION)), maxLength: 400 });

test('the default alphabet has 127 characters at their TS 23.038 codes', () => {
  assert.equal(Array.from(DEFAULT).length, 127);
  const codes = [...encodeGsm7(DEFAULT)];
  const expected = [...Array(128).keys()].filter((code) => code !== 0x1b);
  assert.deepEqual(codes, expected);
  assert.equal(decodeGsm7(Uint8Array.from(expected)), DEFAULT);
});

test('extension characters are ESC + code and count two septets', () => {
  assert.equal(hex(encodeGsm7(EXTENSION)), '1b0a1b141b281b291b2f1b3c1b3d1b3e1b401b65');
  assert.equal(gsm7Septets(EXTENSION), 20);
  for (const char of EXTENSION) assert.ok(isGsm7Extension(char), char);
  assert.equal(isGsm7Extension('a'), false);
  assert.equal(decodeGsm7(encodeGsm7(EXTENSION)), EXTENSION);
});

test('isGsm7 accepts the alphabet and refuses the rest', () => {
  assert.ok(isGsm7(''));
  assert.ok(isGsm7(DEFAULT + EXTENSION));
  for (const char of ['`', 'ç', 'á', '你', '【', '😀', '\t', '\u00a0', '\x1b', '\ud800']) {
    assert.equal(isGsm7(`abc${char}`), false, JSON.stringify(char));
  }
});

test('characters outside the alphabet encode as "?" and count one septet', () => {
  assert.equal(hex(encodeGsm7('a你😀b')), '613f3f62');
  assert.equal(gsm7Septets('a你😀b'), 4);
});

test('decoding tolerates what peers send', () => {
  // An unknown extension code shows the default character (TS 23.038 §6.2.1.1).
  assert.equal(decodeGsm7(bytes('1b41')), 'A');
  // ESC ESC and a trailing ESC show a space (§6.2.1 note 1).
  assert.equal(decodeGsm7(bytes('1b1b41')), ' A');
  assert.equal(decodeGsm7(bytes('411b')), 'A ');
  assert.equal(decodeGsm7(bytes('1b0d')), '\r');
  // The top bit is ignored.
  assert.equal(decodeGsm7(bytes('c1e2')), 'Ab');
  assert.equal(decodeGsm7(new Uint8Array()), '');
});

test('golden: inline vectors (perl Device::Gsm, node-smpp, python-smpplib)', () => {
  assert.equal(hex(packSeptets(encodeGsm7('hellohello'))), 'e8329bfd4697d9ec37');
  assert.equal(decodeGsm7(unpackSeptets(bytes('e8329bfd4697d9ec37'), 10)), 'hellohello');
  assert.equal(decodeGsm7(bytes('00010203')), '@£$¥');
  assert.equal(hex(encodeGsm7('^')), '1b14');
});

test('golden: vectors/gsm7.json', () => {
  for (const v of vectors) {
    const raw = bytes(v.hex);
    if (v.kind === 'unpacked') {
      assert.equal(decodeGsm7(raw), v.decoded.text, v.name);
      assert.equal(hex(encodeGsm7(v.decoded.text ?? '')), v.hex, v.name);
      continue;
    }
    const count = v.septet_count ?? 0;
    const fill = v.fill_bits ?? 0;
    const septets = unpackSeptets(raw, count, fill);
    if (v.decoded.septets_hex !== undefined) assert.equal(hex(septets), v.decoded.septets_hex, v.name);
    if (v.decoded.text !== undefined) assert.equal(decodeGsm7(septets), v.decoded.text, v.name);
    assert.equal(hex(packSeptets(septets, fill)), v.hex, `${v.name} repacks`);
  }
});

test('packing: lengths, fill bits and the spare-bit ambiguity', () => {
  assert.equal(packSeptets(new Uint8Array()).length, 0);
  assert.equal(packSeptets(new Uint8Array(7)).length, 7);
  assert.equal(packSeptets(new Uint8Array(8)).length, 7);
  assert.equal(packSeptets(new Uint8Array(8), 1).length, 8);
  assert.equal(packSeptets(new Uint8Array(153), 1).length, 134);
  // Seven septets leave one spare bit: unpacking by octet count shows a phantom "@" (docs/protocols.md §6.4).
  const seven = packSeptets(encodeGsm7('message'));
  assert.equal(decodeGsm7(unpackSeptets(seven, Infinity)), 'message@');
  assert.equal(decodeGsm7(unpackSeptets(seven, 7)), 'message');
  // Only the low seven bits are packed.
  assert.equal(hex(packSeptets(Uint8Array.of(0xff))), '7f');
  assert.throws(() => packSeptets(new Uint8Array(1), 7), RangeError);
  assert.throws(() => unpackSeptets(new Uint8Array(1), 1, -1), RangeError);
});

test('unpacking never reads past the bytes it has', () => {
  assert.equal(unpackSeptets(new Uint8Array(), 5).length, 0);
  assert.equal(unpackSeptets(bytes('ff'), 5).length, 1);
  assert.equal(unpackSeptets(bytes('ff'), 5, 2).length, 0);
  assert.equal(unpackSeptets(bytes('ffff'), -3).length, 0);
  assert.equal(unpackSeptets(bytes('ffff'), NaN).length, 0);
  assert.equal(unpackSeptets(bytes('ffff'), 1.9).length, 1);
});

test('property: unpack(pack(septets, fill)) = septets', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 6 }), (raw, fill) => {
      const septets = raw.map((b) => b & 0x7f);
      const packed = packSeptets(septets, fill);
      assert.equal(packed.length, Math.ceil((fill + 7 * septets.length) / 8));
      assert.deepEqual(unpackSeptets(packed, septets.length, fill), septets);
    }),
  );
});

test('property: GSM text survives encode → pack → unpack → decode', () => {
  fc.assert(
    fc.property(gsmText, (text) => {
      assert.ok(isGsm7(text));
      const septets = encodeGsm7(text);
      assert.equal(septets.length, gsm7Septets(text));
      assert.equal(decodeGsm7(septets), text);
      assert.equal(decodeGsm7(unpackSeptets(packSeptets(septets, 1), septets.length, 1)), text);
    }),
  );
});

test('property: decoding and unpacking never throw on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: -5, max: 400 }), (raw, count) => {
      assert.equal(typeof decodeGsm7(raw), 'string');
      const septets = unpackSeptets(raw, count, 1);
      assert.ok(septets.length <= Math.max(0, count));
    }),
  );
});
