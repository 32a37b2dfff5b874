import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, parseUdh, segmentText } from '../../src/domain/text/index.js';
import type { Segment } from '../../src/domain/text/index.js';

const hex = (bytes: Uint8Array | null): string => (bytes ? Buffer.from(bytes).toString('hex') : 'null');
const shape = (segments: Segment[]) =>
  segments.map((s) => [s.partNo, s.total, s.coding, hex(s.udh), s.payload.length, s.text.length]);

test('a text that fits is one SMS without a header', () => {
  assert.deepEqual(segmentText('', 'cn', 7), [
    { partNo: 1, total: 1, coding: 'ascii', udh: null, payload: new Uint8Array(), text: '' },
  ]);
  assert.deepEqual(segmentText('Hi', 'gsm', 7), [
    { partNo: 1, total: 1, coding: 'gsm7', udh: null, payload: Uint8Array.of(0x48, 0x69), text: 'Hi' },
  ]);
  const only = segmentText('【人社】您好', 'cn', 7)[0]!;
  assert.equal(only.coding, 'ucs2');
  assert.equal(hex(only.payload), '30104eba793e301160a8597d');
  assert.equal(shape(segmentText('你'.repeat(70), 'cn', 1)).length, 1);
});

test('UCS-2: 71 characters are 67 + 4 with one reference', () => {
  const segments = segmentText('你'.repeat(71), 'cn', 0x1e4);
  assert.deepEqual(shape(segments), [
    [1, 2, 'ucs2', '050003e40201', 134, 67],
    [2, 2, 'ucs2', '050003e40202', 8, 4],
  ]);
});

test('ASCII on CN links: 161 bytes are 134 + 27', () => {
  assert.deepEqual(shape(segmentText('a'.repeat(161), 'cn', 0)), [
    [1, 2, 'ascii', '050003000201', 134, 134],
    [2, 2, 'ascii', '050003000202', 27, 27],
  ]);
});

test('GSM: 154 septets are 153 + 1; payloads are unpacked septets', () => {
  const segments = segmentText('a'.repeat(161), 'gsm', 255);
  assert.deepEqual(shape(segments), [
    [1, 2, 'gsm7', '050003ff0201', 153, 153],
    [2, 2, 'gsm7', '050003ff0202', 8, 8],
  ]);
  assert.equal(hex(segments[1]?.payload ?? null), '6161616161616161');
});

test('an emoji at a segment boundary moves whole to the next segment', () => {
  const text = '你'.repeat(66) + '😀' + '你'.repeat(10);
  const segments = segmentText(text, 'cn', 9);
  assert.deepEqual(shape(segments), [
    [1, 2, 'ucs2', '050003090201', 132, 66],
    [2, 2, 'ucs2', '050003090202', 24, 12],
  ]);
  assert.ok(segments[1]?.text.startsWith('😀'));
  assert.equal(hex(segments[1]?.payload.subarray(0, 4) ?? null), 'd83dde00');
});

test('an emoji that ends exactly at unit 67 stays', () => {
  const segments = segmentText('你'.repeat(65) + '😀' + '你'.repeat(10), 'cn', 9);
  assert.deepEqual(
    shape(segments).map((s) => s[4]),
    [134, 20],
  );
  assert.ok(segments[0]?.text.endsWith('😀'));
});

test('a GSM escape at a segment boundary moves whole to the next segment', () => {
  const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
  const segments = segmentText(text, 'gsm', 1);
  assert.deepEqual(shape(segments), [
    [1, 2, 'gsm7', '050003010201', 152, 152],
    [2, 2, 'gsm7', '050003010202', 12, 11],
  ]);
  assert.equal(hex(segments[1]?.payload.subarray(0, 3) ?? null), '1b6562');
  // One septet earlier the escape fits: 151 + 2 = 153.
  const fits = segmentText('a'.repeat(151) + '€' + 'b'.repeat(10), 'gsm', 1);
  assert.deepEqual(
    shape(fits).map((s) => s[4]),
    [153, 10],
  );
});

test('the reference sent is the low 8 bits, the same on every segment', () => {
  const segments = segmentText('x'.repeat(1000), 'cn', 0x12345);
  assert.equal(segments.length, 8);
  segments.forEach((segment, index) => {
    const parsed = parseUdh(segment.udh ?? new Uint8Array());
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.concat, { reference: 0x45, total: 8, partNo: index + 1 });
  });
});

test('255 segments are allowed, 256 are a programming error', () => {
  assert.equal(segmentText('a'.repeat(134 * 255), 'cn', 0).length, 255);
  assert.throws(() => segmentText('a'.repeat(134 * 255 + 1), 'cn', 0), RangeError);
});

test('golden: SMSGate CMPP 2.0 long SMS, segment 1 (vectors/udh.json)', () => {
  // The first segment of the SMSGate TestDiffrentMsgFmt message: 67 UCS-2 units after 050003e40401.
  const first =
    '尊敬的客户,您好！您于2016-03-23 14:51:36通过中国移动10085销售专线订购的【一加手机高清防刮保护膜】，请点击支付';
  const second = 'http://www.10085.cn/web85/page/zyzxpay/wap_order.html?orderId=76DEF';
  assert.equal(first.length, 67);
  const segments = segmentText(first + second, 'cn', 0xe4);
  assert.equal(segments.length, 2);
  assert.equal(
    hex(segments[0]?.payload ?? null),
    '5c0a656c76845ba26237002c60a8597dff0160a84e8e0032003000310036002d00300033002d00320033002000310034003a00350031003a' +
      '00330036901a8fc74e2d56fd79fb52a8003100300030003800359500552e4e137ebf8ba28d2d768430104e0052a0624b673a9ad86e059632' +
      '522e4fdd62a4819c3011ff0c8bf770b951fb652f4ed8',
  );
  assert.equal(decodeText(segments[1]?.payload ?? new Uint8Array(), 'ucs2'), second);
});
