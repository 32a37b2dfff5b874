import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  isSsnShaped,
  maskName,
  maskSsn,
  maskSsnsInText,
  upgradeLegacySsn,
  validateSsn,
} from '../../src/domain/ssn.js';

const TODAY = new Date('2026-11-28T04:00:00Z');

/**
 * ISO 7064 MOD 11-2 written from its definition rather than from a weight table: the check value
 * c makes Σ aᵢ·2^(i-1) + c ≡ 1 (mod 11), positions i counted from the right with the check at 1.
 */
function mod112(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    let weight = 1;
    for (let k = 0; k < 17 - i; k++) weight = (weight * 2) % 11;
    sum += Number(first17[i]) * weight;
  }
  const c = (12 - (sum % 11)) % 11;
  return c === 10 ? 'X' : String(c);
}
const withCheck = (first17: string): string => first17 + mod112(first17);

test('GB 11643 published example, X in either case', () => {
  assert.equal(mod112('11010519491231002'), 'X');
  const expected = {
    ok: true,
    ssn: '11010519491231002X',
    kind: 'resident',
    birthDate: '1949-12-31',
    sex: 'F',
  };
  assert.deepEqual(validateSsn('11010519491231002X', TODAY), expected);
  assert.deepEqual(validateSsn(' 11010519491231002x ', TODAY), expected);
});

test('numbers built with the independent check character are valid, with sex and birth date', () => {
  const male = withCheck('21010219900101123');
  assert.deepEqual(validateSsn(male, TODAY), {
    ok: true,
    ssn: male,
    kind: 'resident',
    birthDate: '1990-01-01',
    sex: 'M',
  });
  const female = withCheck('44030620000229002');
  assert.deepEqual(validateSsn(female, TODAY), {
    ok: true,
    ssn: female,
    kind: 'resident',
    birthDate: '2000-02-29',
    sex: 'F',
  });
  // 71 is Taiwan in GB/T 2260: a valid province code.
  assert.equal(validateSsn(withCheck('71000019800101001'), TODAY).ok, true);
});

test('15-digit numbers are upgraded to 18', () => {
  assert.equal(upgradeLegacySsn('110105491231002'), '11010519491231002X');
  assert.deepEqual(validateSsn('110105491231002', TODAY), {
    ok: true,
    ssn: '11010519491231002X',
    kind: 'legacy15',
    birthDate: '1949-12-31',
    sex: 'F',
  });
  const r = validateSsn('610104620927691', TODAY);
  assert.ok(r.ok);
  assert.equal(r.ssn, withCheck('61010419620927691'));
  assert.equal(r.sex, 'M');
  assert.deepEqual(validateSsn('610104620230691', TODAY), { ok: false, reason: 'date' }, '1962-02-30');
  assert.deepEqual(
    validateSsn('810000620927691', TODAY),
    { ok: false, reason: 'region' },
    'no 15-digit permits',
  );
});

test('Hong Kong, Macao and Taiwan residence permits', () => {
  for (const [region, kind] of [
    ['810000', 'hkmo'],
    ['820000', 'hkmo'],
    ['830000', 'taiwan'],
  ] as const) {
    const ssn = withCheck(`${region}19940823002`);
    assert.deepEqual(validateSsn(ssn, TODAY), { ok: true, ssn, kind, birthDate: '1994-08-23', sex: 'F' });
  }
  assert.equal(validateSsn('810000199408230021', TODAY).ok, true, 'a published sample');
  assert.deepEqual(validateSsn(withCheck('81010019940823002'), TODAY), { ok: false, reason: 'region' });
  assert.deepEqual(validateSsn(withCheck('83000019940230002'), TODAY), { ok: false, reason: 'date' });
});

test('foreigners’ permanent residence ID (2023): 9, province of application, nationality, birth date', () => {
  // 9 · 11 Beijing · 398 Kazakhstan · 1990-12-31 · 002 · check
  assert.equal(mod112('91139819901231002'), '1');
  assert.deepEqual(validateSsn('911398199012310021', TODAY), {
    ok: true,
    ssn: '911398199012310021',
    kind: 'foreigner',
    birthDate: '1990-12-31',
    sex: 'F',
  });
  assert.equal(validateSsn(withCheck('93184019850615003'), TODAY).ok, true, 'Shanghai, USA (840), male');
  assert.deepEqual(
    validateSsn(withCheck('99939819901231002'), TODAY),
    { ok: false, reason: 'region' },
    'province 99',
  );
  assert.deepEqual(
    validateSsn(withCheck('91100019901231002'), TODAY),
    { ok: false, reason: 'region' },
    'nation 000',
  );
  assert.deepEqual(validateSsn(withCheck('91139819901331002'), TODAY), { ok: false, reason: 'date' });
  assert.deepEqual(validateSsn('911398199012310022', TODAY), { ok: false, reason: 'check' });
});

test('every rejection reason', () => {
  const bad = (text: string, reason: string) =>
    assert.deepEqual(validateSsn(text, TODAY), { ok: false, reason }, `${text} → ${reason}`);
  bad('', 'length');
  bad('2101021990010112', 'length');
  bad('2101021990010112345', 'length');
  bad('19900230', 'length');
  bad('2101021990X101123X', 'characters');
  bad('21010219900101123Y', 'characters');
  bad('11010549123100X', 'characters');
  bad('２１０１０２１９９００１０１１２３４', 'characters'); // full width is the command normaliser's job
  bad(withCheck('00010219900101123'), 'region');
  bad(withCheck('19010219900101123'), 'region');
  bad(withCheck('66010219900101123'), 'region');
  bad(withCheck('21010219900230123'), 'date'); // 1990-02-30
  bad(withCheck('21010219000229123'), 'date'); // 1900 was not a leap year
  bad(withCheck('21010218991231123'), 'date'); // before 1900
  bad(withCheck('21010219901301123'), 'date');
  bad(withCheck('21010219900100123'), 'date');
  bad(withCheck('21010220261129123'), 'date'); // tomorrow
  bad('440524188001010014', 'date'); // a published sample with an 1880 birth date
  const good = withCheck('21010219900101123');
  bad(good.slice(0, 17) + (good.endsWith('0') ? '1' : '0'), 'check');
});

test('the birth date may be today, in Beijing', () => {
  const ssn = withCheck('21010220240602123');
  // 2024-06-01 17:00 UTC is 2024-06-02 01:00 in Beijing.
  assert.equal(validateSsn(ssn, new Date('2024-06-01T17:00:00Z')).ok, true);
  assert.deepEqual(validateSsn(ssn, new Date('2024-06-01T15:00:00Z')), { ok: false, reason: 'date' });
});

const validFirst17 = fc
  .record({
    province: fc.constantFrom('11', '21', '33', '44', '65'),
    rest: fc.stringMatching(/^\d{4}$/),
    date: fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2026-11-27T00:00:00Z'),
      noInvalidDate: true,
    }),
    seq: fc.stringMatching(/^\d{3}$/),
  })
  .map(
    ({ province, rest, date, seq }) =>
      `${province}${rest}${date.toISOString().slice(0, 10).replace(/-/g, '')}${seq}`,
  );

test('property: valid numbers pass; any single changed character is caught', () => {
  fc.assert(
    fc.property(validFirst17, fc.nat(17), fc.integer({ min: 1, max: 10 }), (first17, at, delta) => {
      const ssn = withCheck(first17);
      const ok = validateSsn(ssn, TODAY);
      assert.ok(ok.ok, ssn);
      assert.equal(ok.ssn, ssn);
      const values = '0123456789X';
      const old = values.indexOf(ssn[at] ?? '');
      // A different digit (1–9 on) in the body; a different one of the 11 characters as check.
      const changed = at === 17 ? values[(old + delta) % 11] : values[(old + ((delta - 1) % 9) + 1) % 10];
      assert.notEqual(changed, ssn[at]);
      const typo = ssn.slice(0, at) + (changed ?? '') + ssn.slice(at + 1);
      assert.equal(validateSsn(typo, TODAY).ok, false, `${ssn} → ${typo}`);
    }),
    { numRuns: 1000 },
  );
});

test('SSN shape: 15 digits or 17 digits and a digit or X, valid or not', () => {
  for (const s of ['110105491231002', '11010519491231002X', '11010519491231002x', '000000000000000000'])
    assert.ok(isSsnShaped(s), s);
  for (const s of [
    '11010549123100',
    '1101051949123100',
    '1101051949123100X2',
    'Ab3927',
    '11010519491231002Y',
  ])
    assert.ok(!isSsnShaped(s), s);
});

test('masked SSN: first four and last four', () => {
  assert.equal(maskSsn('21010219800101123X'), '2101**********123X');
  assert.equal(maskSsn('21010219800101123x'), '2101**********123X');
  assert.equal(maskSsn('21010219800101123X').length, 18);
  assert.equal(maskSsn('110105491231002'), '1101*******1002');
  assert.equal(maskSsn('12345678'), '********');
  assert.equal(maskSsn(''), '');
});

test('masked names', () => {
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('张三丰'), '张*丰');
  assert.equal(maskName('欧阳建国'), '欧**国');
  assert.equal(maskName('买买提·艾力'), '买****力');
  assert.equal(maskName(' 李 '), '*');
  assert.equal(maskName('𠇔明'), '𠇔*', 'a character outside the BMP counts once');
  assert.equal(maskName('John Smith'), 'J*********');
  assert.equal(maskName('ANNA'), 'A***');
  assert.equal(maskName(''), '');
});

test('maskSsnsInText masks every SSN-shaped run in a message and nothing else', () => {
  assert.equal(maskSsnsInText('BD#21010219800101123X#******'), 'BD#2101**********123X#******');
  assert.equal(maskSsnsInText('qxbd 110105491231002'), 'qxbd 1101*******1002');
  assert.equal(maskSsnsInText('我的号码21010219800101123x，谢谢'), '我的号码2101**********123X，谢谢');
  assert.equal(maskSsnsInText('电话13800138000'), '电话13800138000', 'an 11-digit phone is not an SSN');
  assert.equal(maskSsnsInText('1234567890123456789'), '1234567890123456789', '19 digits is no SSN');
  fc.assert(
    fc.property(fc.stringMatching(/^\d{17}[\dX]$/), fc.string({ maxLength: 8 }), (ssn, around) => {
      const safe = around.replace(/[\dA-Za-z]/g, '');
      const masked = maskSsnsInText(`${safe}${ssn}${safe}`);
      return !masked.includes(ssn) && masked.includes(ssn.slice(-4));
    }),
  );
});
