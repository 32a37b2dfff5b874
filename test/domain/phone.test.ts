import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CARRIER_PREFIXES } from '../../src/domain/data/carrier-prefixes.js';
import { carrierOf, networkOf, normalizeMobile, pastedEntries } from '../../src/domain/phone.js';

/**
 * The numbering plan written out independently of the data file: `carrier/network: prefixes`.
 * Every allocated segment appears here with the operator the MIIT plan gives it.
 */
const EXPECTED = `
  cmcc/cmcc: 134 135 136 137 138 139 147 148 150 151 152 157 158 159
             172 178 182 183 184 187 188 195 197 198
  cucc/cucc: 130 131 132 145 146 155 156 166 175 176 185 186 196
  ctcc/ctcc: 133 1349 149 153 173 17400 17401 17402 17403 17404 17405 177 180 181 189 190 191 193 199
  cbn/cbn:   192
  mvno/ctcc: 162 1700 1701 1702
  mvno/cmcc: 165 1703 1705 1706
  mvno/cucc: 167 1704 1707 1708 1709 171
`;
const expected = EXPECTED.split(/\n(?=\s*\w+\/)/)
  .map((block) => block.trim())
  .filter(Boolean)
  .flatMap((block) => {
    const [head = '', list = ''] = block.split(':');
    const [carrier, network] = head.split('/');
    return list
      .trim()
      .split(/\s+/)
      .map((prefix) => ({ prefix, carrier, network }));
  });

/** Every way of filling a prefix up to 11 digits with the same digit. */
const fills = (prefix: string) => Array.from('0123456789').map((d) => prefix + d.repeat(11 - prefix.length));

test('every allocated segment has its operator and host network', () => {
  for (const { prefix, carrier, network } of expected) {
    for (const number of [
      fills(prefix)[0]!,
      fills(prefix)[5]!,
      `${prefix}${'1234567'.slice(0, 11 - prefix.length)}`.padEnd(11, '9'),
    ]) {
      assert.equal(carrierOf(number), carrier, number);
      assert.equal(networkOf(number), network, number);
      assert.equal(normalizeMobile(number), number);
    }
  }
});

test('the data table matches the plan written out above', () => {
  const prefixes = CARRIER_PREFIXES.map((row) => row.prefix);
  assert.equal(new Set(prefixes).size, prefixes.length, 'no prefix twice');
  assert.deepEqual([...prefixes].sort(), expected.map((row) => row.prefix).sort());
  for (const row of CARRIER_PREFIXES) {
    assert.match(row.prefix, /^1\d{2,4}$/);
    assert.ok(row.carrier === 'mvno' || row.carrier === row.network, row.prefix);
  }
  // Each row of the table decides some number (no row is shadowed by a longer one).
  for (const row of CARRIER_PREFIXES) {
    const hits = fills(row.prefix).filter(
      (n) => carrierOf(n) === row.carrier && networkOf(n) === row.network,
    );
    assert.ok(hits.length > 0, row.prefix);
  }
});

test('segments no operator holds are not mobile numbers', () => {
  const unallocated = [
    '100',
    '110',
    '120',
    '127',
    '140',
    '141',
    '142',
    '143',
    '144',
    '154',
    '160',
    '161',
    '163',
  ];
  unallocated.push('164', '168', '169', '174', '1741', '17406', '17409', '179', '194');
  for (const prefix of unallocated) {
    for (const number of fills(prefix)) {
      if (expected.some((row) => number.startsWith(row.prefix))) continue;
      assert.equal(carrierOf(number), null, number);
      assert.equal(networkOf(number), null, number);
      assert.equal(normalizeMobile(number), null, number);
    }
  }
});

test('normalizeMobile accepts the usual ways of writing a number', () => {
  const forms = [
    '13800138000',
    ' 13800138000 ',
    '138 0013 8000',
    '138-0013-8000',
    '138－0013－8000',
    '138\u30000013\u30008000',
    '+8613800138000',
    '+86 138 0013 8000',
    '+86-138-0013-8000',
    '8613800138000',
    '86 13800138000',
    '008613800138000',
    '0086 138 0013 8000',
    '１３８００１３８０００',
    '＋８６１３８００１３８０００',
    '＋86 １３８-００１３-８０００',
  ];
  for (const form of forms) assert.equal(normalizeMobile(form), '13800138000', JSON.stringify(form));
  assert.equal(normalizeMobile('17051234567'), '17051234567');
  assert.equal(carrierOf('13491234567'), 'ctcc');
  assert.equal(carrierOf('13481234567'), 'cmcc');
  assert.equal(normalizeMobile('+86 192 0000 1234'), '19200001234');
});

test('normalizeMobile refuses what is not a mainland mobile number', () => {
  const bad = [
    '',
    ' ',
    '+86',
    '1380013800', // 10 digits
    '138001380001', // 12 digits
    '1380013800a',
    'abcdefghijk',
    '23800138000', // does not start with 1
    '03800138000',
    '14012345678',
    '14112345678',
    '14212345678',
    '14312345678',
    '+8513800138000', // another country
    '+1 13800138000',
    '+13800138000',
    '8813800138000',
    '0013800138000',
    '086138001380000',
    '+86+8613800138000',
    '86 86 13800138000',
    '138.0013.8000',
    '(138)00138000',
    '138_0013_8000',
    '¹³⁸⁰⁰¹³⁸⁰⁰⁰', // superscript digits are not digits here
    '١٣٨٠٠١٣٨٠٠٠', // Arabic-Indic digits
    '13800138000\n13800138001',
    '1'.repeat(100),
  ];
  for (const raw of bad) assert.equal(normalizeMobile(raw), null, JSON.stringify(raw));
});

test('carrierOf and networkOf want the normalised national number', () => {
  for (const raw of ['+8613800138000', '138 0013 8000', '1380013800', '', '138001380001']) {
    assert.equal(carrierOf(raw), null, raw);
    assert.equal(networkOf(raw), null, raw);
  }
});

test('property: an 11-digit string normalises to itself or to null, as carrierOf says', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^1\d{10}$/), (number) => {
      const carrier = carrierOf(number);
      assert.equal(normalizeMobile(number), carrier === null ? null : number);
      assert.equal(networkOf(number) === null, carrier === null);
    }),
    { numRuns: 1000 },
  );
});

test('property: any formatting of a valid number normalises to it', () => {
  const valid = fc
    .constantFrom(...expected.map((row) => row.prefix))
    .chain((prefix) =>
      fc.stringMatching(new RegExp(`^\\d{${11 - prefix.length}}$`)).map((rest) => prefix + rest),
    );
  const countryCode = fc.constantFrom('', '+86', '86', '0086', '＋86', '+８６');
  const separator = fc.constantFrom('', ' ', '-', '－', '\u3000');
  fc.assert(
    fc.property(
      valid,
      countryCode,
      fc.array(separator, { minLength: 12, maxLength: 12 }),
      fc.boolean(),
      (number, cc, seps, wide) => {
        const digits = Array.from(number).map((d) =>
          wide ? String.fromCharCode(d.charCodeAt(0) + 0xfee0) : d,
        );
        const raw = cc + digits.map((d, i) => (seps[i] ?? '') + d).join('') + (seps[11] ?? '');
        assert.equal(normalizeMobile(raw), number, JSON.stringify(raw));
      },
    ),
    { numRuns: 500 },
  );
});

test('property: normalizeMobile never throws and returns 11 digits or null', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom(...Array.from('0123456789+-－ ８６１abc\u3000')), maxLength: 20 }),
      (raw) => {
        const result = normalizeMobile(raw);
        if (result !== null) assert.match(result, /^1\d{10}$/);
      },
    ),
    { numRuns: 1000 },
  );
});

test('pastedEntries: numbers as operators paste them, with their lines', () => {
  assert.deepEqual(pastedEntries('13800000001\r\n+86 138 0013 8000, 13900000002；13700000003'), [
    { line: 1, raw: '13800000001' },
    { line: 2, raw: '+86 138 0013 8000' },
    { line: 2, raw: '13900000002' },
    { line: 2, raw: '13700000003' },
  ]);
  assert.deepEqual(pastedEntries('13800000001 13900000002\n\n  \n1390000000x'), [
    { line: 1, raw: '13800000001' },
    { line: 1, raw: '13900000002' },
    { line: 4, raw: '1390000000x' },
  ]);
  assert.deepEqual(pastedEntries(''), []);
});
