import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeText,
  isGsm7Extension,
  measureText,
  parseUdh,
  segmentLimit,
  segmentText,
  TEXT_LIMITS,
  unitsOf,
} from '../../src/domain/text/index.js';
import type { Segment, TextProfile } from '../../src/domain/text/index.js';

const GSM_DEFAULT =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const char = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCodePoint(code));
const printableAscii = char(0x20, 0x7e);
const gsmChar = fc.constantFrom(...Array.from(GSM_DEFAULT + GSM_EXTENSION));
const cjk = char(0x4e00, 0x9fff);
const astral = char(0x10000, 0x10ffff);
const anyCodePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const loneSurrogate = char(0xd800, 0xdfff);

/** Well-formed strings of several flavours; size 'max' so that many need several segments. */
const wellFormed = fc.oneof(
  fc.string({ unit: printableAscii, maxLength: 700, size: 'max' }),
  fc.string({ unit: fc.oneof(printableAscii, fc.constantFrom('\r', '\n')), maxLength: 700, size: 'max' }),
  fc.string({ unit: gsmChar, maxLength: 700, size: 'max' }),
  fc.string({
    unit: fc.oneof(
      { weight: 1, arbitrary: gsmChar },
      { weight: 1, arbitrary: fc.constantFrom(...Array.from(GSM_EXTENSION)) },
    ),
    maxLength: 500,
    size: 'max',
  }),
  fc.string({ unit: fc.oneof(cjk, astral, printableAscii), maxLength: 400, size: 'max' }),
  fc.string({ unit: fc.oneof(cjk, astral), maxLength: 400, size: 'max' }),
  fc.string({ unit: anyCodePoint, maxLength: 400, size: 'max' }),
  // Short ones too: most real messages fit one SMS.
  fc.string({ unit: fc.oneof(gsmChar, cjk, astral, anyCodePoint) }),
);
/** Malformed UTF-16 too: lone surrogates must survive and never pair up wrongly. */
const anyUtf16 = fc.string({
  unit: fc.oneof(cjk, astral, printableAscii, loneSurrogate),
  maxLength: 400,
  size: 'max',
});
const profile = fc.constantFrom<TextProfile>('cn', 'gsm', 'gsm-sar');
const reference = fc.integer({ min: 0, max: 0xffff });

const isHigh = (unit: number | undefined) => unit !== undefined && unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number | undefined) => unit !== undefined && unit >= 0xdc00 && unit <= 0xdfff;

/** Cost of the first indivisible unit of a text, as segmentation counts it. */
function firstCost(text: string, segment: Segment): number {
  const codePoint = text.codePointAt(0) ?? 0;
  const width = codePoint > 0xffff ? 2 : 1;
  if (segment.coding === 'gsm7') return isGsm7Extension(String.fromCodePoint(codePoint)) ? 2 : 1;
  return width;
}

function checkSegments(text: string, p: TextProfile, ref: number): void {
  const measure = measureText(text, p);
  const segments = segmentText(text, p, ref);
  const total = segments.length;

  assert.equal(measure.segments, total, 'measure agrees with segmentText');
  assert.equal(measure.fitsSingle, total === 1);
  assert.equal(segments.map((s) => s.text).join(''), text, 'segment texts concatenate to the text');

  const coding = measure.coding;
  const limits = TEXT_LIMITS[coding];
  const joined = Buffer.concat(segments.map((s) => s.payload));
  assert.equal(decodeText(joined, coding), text, 'payloads decode back to the text');
  assert.equal(joined.length / (coding === 'ucs2' ? 2 : 1), measure.units, 'units match the payloads');

  segments.forEach((segment, index) => {
    assert.equal(segment.coding, coding);
    assert.equal(segment.partNo, index + 1);
    assert.equal(segment.total, total);
    assert.equal(decodeText(segment.payload, coding), segment.text, 'each payload decodes alone');
    const units = unitsOf(segment.text, coding);
    assert.equal(segment.payload.length, coding === 'ucs2' ? units * 2 : units);
    assert.ok(
      units <= (total === 1 ? limits.single : segmentLimit(coding, p)),
      `segment ${index + 1} within its limit`,
    );
    if (coding === 'gsm7') assert.notEqual(segment.payload.at(-1), 0x1b, 'no segment ends with ESC');

    if (total === 1) {
      assert.equal(segment.udh, null);
      return;
    }
    const parsed = parseUdh(segment.udh ?? new Uint8Array());
    assert.ok(parsed.ok);
    assert.equal(parsed.headerLength, 6);
    assert.deepEqual(parsed.concat, { reference: ref & 0xff, total, partNo: index + 1 });

    const next = segments[index + 1];
    if (next === undefined) return;
    // No surrogate pair is split across segments.
    assert.ok(
      !(isHigh(segment.text.charCodeAt(segment.text.length - 1)) && isLow(next.text.charCodeAt(0))),
      'surrogate pair split',
    );
    // Greedy: a segment only stops short when the next character would not fit whole.
    assert.ok(
      units + firstCost(next.text, next) > limits.segment,
      `segment ${index + 1} is as full as it can be`,
    );
    assert.ok(segment.text.length > 0 && next.text.length > 0);
  });
}

test('property: segments of well-formed text', () => {
  fc.assert(
    fc.property(wellFormed, profile, reference, (text, p, ref) => {
      checkSegments(text, p, ref);
      for (const segment of segmentText(text, p, ref)) {
        assert.ok(!isLow(segment.text.charCodeAt(0)), 'no segment starts with a low surrogate');
        assert.ok(
          !isHigh(segment.text.charCodeAt(segment.text.length - 1)),
          'no segment ends with a high surrogate',
        );
      }
    }),
    { numRuns: 400 },
  );
});

test('property: segments of text with lone surrogates', () => {
  fc.assert(fc.property(anyUtf16, profile, reference, checkSegments), { numRuns: 200 });
});

test('property: texts around each boundary', () => {
  // Pad to just below, at and above every single and segment limit, with 2-unit characters mixed in.
  const around = fc
    .tuple(
      fc.constantFrom('a', '你', '€'),
      fc.constantFrom(67, 70, 134, 153, 160, 201, 268, 306),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom('', '😀', '€', '{', '你'),
      fc.nat({ max: 400 }),
    )
    .map(([base, n, delta, odd, at]) => {
      const text = base.repeat(Math.max(0, n + delta));
      const cut = Math.min(at, text.length);
      return text.slice(0, cut) + odd + text.slice(cut);
    });
  fc.assert(fc.property(around, profile, reference, checkSegments), { numRuns: 1000 });
});
