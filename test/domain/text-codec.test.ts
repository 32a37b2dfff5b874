import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeText, encodeText } from '../../src/domain/text/index.js';
import type { DecodableCoding } from '../../src/domain/text/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

test('ucs2 is UTF-16BE, surrogate pairs as two units', () => {
  assert.equal(hex(encodeText('你好A', 'ucs2')), '4f60597d0041');
  assert.equal(hex(encodeText('😀', 'ucs2')), 'd83dde00');
  assert.equal(decodeText(bytes('4f60597d0041'), 'ucs2'), '你好A');
  assert.equal(decodeText(bytes('d83dde00'), 'ucs2'), '😀');
  assert.equal(hex(encodeText('', 'ucs2')), '');
});

test('ucs2: an odd trailing byte is dropped, lone surrogates survive', () => {
  assert.equal(decodeText(bytes('4f6059'), 'ucs2'), '你');
  assert.equal(decodeText(bytes('41'), 'ucs2'), '');
  assert.equal(decodeText(bytes('d83d0041'), 'ucs2'), '\ud83dA');
  assert.equal(decodeText(encodeText('\ude00x', 'ucs2'), 'ucs2'), '\ude00x');
});

test('ascii is one latin1 byte per character', () => {
  assert.equal(hex(encodeText('Hi 12333\r\n', 'ascii')), '48692031323333330d0a');
  assert.equal(decodeText(bytes('616263313030383500'), 'ascii'), 'abc10085\0');
  assert.equal(decodeText(bytes('e9ff'), 'ascii'), 'éÿ');
  // A character beyond latin1 cannot be sent as ascii; chooseCoding never asks for that.
  assert.equal(hex(encodeText('a你', 'ascii')), '613f');
});

test('gsm7 is unpacked septets', () => {
  assert.equal(hex(encodeText('@£$¥€', 'gsm7')), '000102031b65');
  assert.equal(decodeText(bytes('000102031b65'), 'gsm7'), '@£$¥€');
});

test('gbk decodes as GB18030 (CMPP Msg_Fmt 15, SMGP MsgFormat 15)', () => {
  assert.equal(decodeText(bytes('c4e3bac3a3ac3132333333'), 'gbk'), '你好，12333');
  // Beyond GBK: "€" is A2E3 in GB18030; U+1F600 takes a four-byte sequence.
  assert.equal(decodeText(bytes('a2e3'), 'gbk'), '€');
  assert.equal(decodeText(bytes('9439fc36'), 'gbk'), '😀');
  // Malformed bytes become U+FFFD instead of throwing.
  assert.equal(decodeText(bytes('41ff'), 'gbk'), 'A\ufffd');
  assert.equal(decodeText(bytes('c4'), 'gbk'), '\ufffd');
});

test('binary gives lowercase hex', () => {
  assert.equal(decodeText(bytes('00ff10ab'), 'binary'), '00ff10ab');
  assert.equal(decodeText(new Uint8Array(), 'binary'), '');
});

test('large inputs do not overflow the stack', () => {
  const big = new Uint8Array(200_000).fill(0x41);
  assert.equal(decodeText(big, 'ascii').length, 200_000);
  assert.equal(decodeText(big, 'ucs2').length, 100_000);
});

test('property: decodeText(encodeText(text)) = text for ucs2, any UTF-16 string', () => {
  const anyUnit = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
  );
  fc.assert(
    fc.property(fc.string({ unit: anyUnit, maxLength: 200 }), (text) => {
      const encoded = encodeText(text, 'ucs2');
      assert.equal(encoded.length, text.length * 2);
      assert.equal(decodeText(encoded, 'ucs2'), text);
    }),
  );
});

test('property: decodeText(encodeText(text)) = text for ascii, any latin1 string', () => {
  const latin1 = fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code));
  fc.assert(
    fc.property(fc.string({ unit: latin1, maxLength: 300 }), (text) => {
      assert.equal(decodeText(encodeText(text, 'ascii'), 'ascii'), text);
    }),
  );
});

test('property: decodeText never throws on random bytes, in any coding', () => {
  const codings: DecodableCoding[] = ['ascii', 'gsm7', 'ucs2', 'gbk', 'binary'];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...codings), (raw, coding) => {
      assert.equal(typeof decodeText(raw, coding), 'string');
    }),
    { numRuns: 500 },
  );
});
