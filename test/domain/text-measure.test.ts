import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseCoding, measureText, TEXT_LIMITS } from '../../src/domain/text/index.js';
import type { TextProfile } from '../../src/domain/text/index.js';

const CJK = '你';
const EMOJI = '😀';
const SIGNATURE = '【辽宁人社】';

function check(text: string, profile: TextProfile, coding: string, units: number, segments: number): void {
  const m = measureText(text, profile);
  const label = `${profile} ${JSON.stringify(text.slice(0, 12))}… (${text.length})`;
  assert.equal(m.coding, coding, label);
  assert.equal(m.units, units, label);
  assert.equal(m.segments, segments, label);
  assert.equal(m.fitsSingle, segments === 1, label);
}

test('the limits are the ones docs/design.md §5 and TS 23.040 give', () => {
  assert.deepEqual(TEXT_LIMITS, {
    ascii: { single: 159, segment: 134 },
    gsm7: { single: 160, segment: 153 },
    ucs2: { single: 70, segment: 67 },
  });
});

test('cn profile: printable ASCII with CR and LF is ascii, anything else ucs2', () => {
  const printable = Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)).join('');
  assert.equal(chooseCoding(printable + '\r\n', 'cn'), 'ascii');
  assert.equal(chooseCoding('', 'cn'), 'ascii');
  for (const char of ['\t', '\x7f', '\0', '\x1b', 'é', '€', '£', '你', '【', EMOJI, '\u00a0', '\ud800']) {
    assert.equal(chooseCoding(`Hello${char}`, 'cn'), 'ucs2', JSON.stringify(char));
  }
});

test('gsm profile: the GSM 03.38 alphabet with extensions is gsm7, anything else ucs2', () => {
  assert.equal(chooseCoding('', 'gsm'), 'gsm7');
  assert.equal(chooseCoding('Hello {world} [€] ^~|\\ é à Ø Δ @£$¥\f\r\n', 'gsm'), 'gsm7');
  for (const char of ['`', 'ç', 'á', '\t', '\x7f', '你', '【', EMOJI, '\u00a0']) {
    assert.equal(chooseCoding(`Hello${char}`, 'gsm'), 'ucs2', JSON.stringify(char));
  }
});

test('the usual 【…】 signature forces UCS-2 on both profiles', () => {
  for (const profile of ['cn', 'gsm'] as const) {
    check(`${SIGNATURE}Your code is 123456`, profile, 'ucs2', 25, 1);
    // 6 + 64 = 70 fits one SMS; one more character takes two.
    check(SIGNATURE + 'a'.repeat(64), profile, 'ucs2', 70, 1);
    check(SIGNATURE + 'a'.repeat(65), profile, 'ucs2', 71, 2);
  }
});

test('empty text is one SMS', () => {
  check('', 'cn', 'ascii', 0, 1);
  check('', 'gsm', 'gsm7', 0, 1);
});

test('UCS-2 boundaries: 70/71, 67×2/67×2+1, 67×3', () => {
  for (const profile of ['cn', 'gsm'] as const) {
    check(CJK.repeat(1), profile, 'ucs2', 1, 1);
    check(CJK.repeat(70), profile, 'ucs2', 70, 1);
    check(CJK.repeat(71), profile, 'ucs2', 71, 2);
    check(CJK.repeat(134), profile, 'ucs2', 134, 2);
    check(CJK.repeat(135), profile, 'ucs2', 135, 3);
    check(CJK.repeat(201), profile, 'ucs2', 201, 3);
    check(CJK.repeat(202), profile, 'ucs2', 202, 4);
  }
});

test('UCS-2: a character outside the BMP counts 2 and is never split', () => {
  check(CJK.repeat(68) + EMOJI, 'cn', 'ucs2', 70, 1);
  check(CJK.repeat(69) + EMOJI, 'cn', 'ucs2', 71, 2);
  check(EMOJI.repeat(35), 'cn', 'ucs2', 70, 1);
  // 36 emoji = 72 units: 33 per segment (66 units, the 34th would straddle 67), so 2 segments.
  check(EMOJI.repeat(36), 'cn', 'ucs2', 72, 2);
  // 67 emoji = 134 units would fit 2×67 if pairs could split; unsplit they need 33+33+1.
  check(EMOJI.repeat(67), 'gsm', 'ucs2', 134, 3);
  // An emoji straddling the 67th unit moves whole to the next segment: 66 + 2 + 66 + 2 = 3 segments.
  check(CJK.repeat(66) + EMOJI + CJK.repeat(66), 'cn', 'ucs2', 134, 3);
  check(CJK.repeat(65) + EMOJI + CJK.repeat(67), 'cn', 'ucs2', 134, 2);
});

test('CN ASCII boundaries: 159/160 (CMPP and SMGP take fewer than 160), 134×2/134×2+1', () => {
  check('a'.repeat(159), 'cn', 'ascii', 159, 1);
  check('a'.repeat(160), 'cn', 'ascii', 160, 2);
  check('a'.repeat(268), 'cn', 'ascii', 268, 2);
  check('a'.repeat(269), 'cn', 'ascii', 269, 3);
  // Extension characters are one byte each in CN ASCII.
  check('{'.repeat(159), 'cn', 'ascii', 159, 1);
});

test('gsm-sar profile (SMPP with SAR TLVs): a segment holds a whole SMS, 160 septets or 70 UCS-2 units', () => {
  assert.equal(chooseCoding('Hello {world}', 'gsm-sar'), 'gsm7');
  check('a'.repeat(160), 'gsm-sar', 'gsm7', 160, 1);
  check('a'.repeat(161), 'gsm-sar', 'gsm7', 161, 2);
  check('a'.repeat(320), 'gsm-sar', 'gsm7', 320, 2);
  check('a'.repeat(321), 'gsm-sar', 'gsm7', 321, 3);
  check(CJK.repeat(140), 'gsm-sar', 'ucs2', 140, 2);
  check(CJK.repeat(141), 'gsm-sar', 'ucs2', 141, 3);
  // An emoji never splits: 69 + a pair does not fit 70, so it moves to the next segment.
  check(CJK.repeat(69) + EMOJI + CJK.repeat(69), 'gsm-sar', 'ucs2', 140, 3);
});

test('GSM boundaries: 160/161, 153×2/153×2+1, extension characters count 2', () => {
  check('a'.repeat(160), 'gsm', 'gsm7', 160, 1);
  check('a'.repeat(161), 'gsm', 'gsm7', 161, 2);
  check('a'.repeat(306), 'gsm', 'gsm7', 306, 2);
  check('a'.repeat(307), 'gsm', 'gsm7', 307, 3);
  check('a'.repeat(158) + '€', 'gsm', 'gsm7', 160, 1);
  check('a'.repeat(159) + '€', 'gsm', 'gsm7', 161, 2);
  check('€'.repeat(80), 'gsm', 'gsm7', 160, 1);
  check('€'.repeat(81), 'gsm', 'gsm7', 162, 2);
  // A segment of escapes holds 76 (152 septets): the 77th would straddle the 153rd septet.
  check('{'.repeat(153), 'gsm', 'gsm7', 306, 3);
  check('a' + '{'.repeat(152) + 'a', 'gsm', 'gsm7', 306, 2);
  // An escape at the 153rd septet moves to the next segment: 152 + (2 + 152) → 3 segments at 306.
  check('a'.repeat(152) + '€' + 'a'.repeat(152), 'gsm', 'gsm7', 306, 3);
  check('a'.repeat(151) + '€' + 'a'.repeat(153), 'gsm', 'gsm7', 306, 2);
});

test('measure does not throw past 255 segments (segmentText does)', () => {
  const m = measureText('a'.repeat(134 * 256), 'cn');
  assert.equal(m.segments, 256);
  assert.equal(m.fitsSingle, false);
});
