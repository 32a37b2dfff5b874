import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEMO_PERSONS } from '../../src/backend/demo-persons.js';
import { EmbeddedBackend } from '../../src/backend/embedded.js';
import {
  importPersons,
  parseInsurances,
  personsCsv,
  ssnProblem,
  yuanToCents,
} from '../../src/backend/import-csv.js';
import { csvLine, readCsv } from '../../src/domain/csv.js';
import { isAppError } from '../../src/shared/errors.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { countBackendPersons } from '../../src/store/backend-persons.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const HEADER = 'ssn,name,servicePassword,insurances,pensionBalance,pensionAsOf';

test('CSV: quotes, doubled quotes, commas and line breaks inside fields, CRLF, BOM, blank lines', () => {
  const text = '\uFEFFa,b,c\r\n' + '"x, y","say ""hi""","two\r\nlines"\r\n' + '\r\n' + 'plain,,"" \n';
  const records = [...readCsv(text)];
  assert.deepEqual(records[0], { line: 1, fields: ['a', 'b', 'c'] });
  assert.deepEqual(records[1], { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] });
  assert.equal(
    records[2]?.line,
    5,
    'line numbers count the line break inside the quoted field and the blank line',
  );
  assert.match(records[2].error!, /closing quote/);
  assert.equal(records.length, 3);

  assert.deepEqual(
    [...readCsv('a,b\nc,d')],
    [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
    ],
    'no final line break',
  );
  assert.deepEqual([...readCsv('a,"b\n')], [{ line: 1, error: 'quoted field never closed (引号未闭合)' }]);
  const stray = [...readCsv('a,b"c\nd,e\n')];
  assert.match(stray[0]?.error ?? '', /quote inside unquoted/);
  assert.deepEqual(stray[1], { line: 2, fields: ['d', 'e'] }, 'goes on after a bad record');
  assert.deepEqual(
    [...readCsv('a,\n,b\n')],
    [
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['', 'b'] },
    ],
  );
});

test('CSV: whatever csvLine writes, readCsv reads back', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.string({ maxLength: 12 }), { minLength: 2, maxLength: 5 }), { maxLength: 8 }),
      (rows) => {
        const text = rows.map(csvLine).join('\r\n');
        assert.deepEqual(
          [...readCsv(text)].map((r) => r.fields),
          rows,
        );
      },
    ),
  );
});

test('yuan to fen exactly, without floating point', () => {
  assert.equal(yuanToCents('0.1'), 10);
  assert.equal(yuanToCents('0.29'), 29, '0.29 * 100 is 28.999… in floating point');
  assert.equal(yuanToCents('1.15'), 115);
  assert.equal(yuanToCents('12345.67'), 1_234_567);
  assert.equal(yuanToCents('9999999999999.99'), 999_999_999_999_999);
  assert.equal(yuanToCents('100'), 10_000);
  for (const bad of ['', '1.234', '-1.00', '1,234.00', '¥12', '1e3', '.5', '12.', ' 1'])
    assert.equal(yuanToCents(bad), null, bad);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (cents) => {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      return text.length > 16 || yuanToCents(text) === cents;
    }),
  );
});

test('insurances and SSN check characters', () => {
  assert.deepEqual(parseInsurances('企业职工基本养老保险:正常参保;基本医疗保险：暂停参保；'), [
    { type: '企业职工基本养老保险', status: '正常参保' },
    { type: '基本医疗保险', status: '暂停参保' },
  ]);
  assert.deepEqual(parseInsurances(''), []);
  assert.equal(typeof parseInsurances('基本医疗保险'), 'string');
  assert.equal(typeof parseInsurances('基本医疗保险:'), 'string');
  assert.equal(typeof parseInsurances('a:b;a:c'), 'string');
  assert.equal(ssnProblem('21010219780416107X'), null);
  assert.equal(ssnProblem('210102196503120106'), null);
  assert.match(ssnProblem('210102196503120107') ?? '', /check character/);
  assert.match(ssnProblem('21010219650312010') ?? '', /18 characters/);
  for (const p of DEMO_PERSONS) assert.equal(ssnProblem(p.ssn), null, p.ssn);
});

for (const dialect of DIALECTS) {
  test(`${dialect}: every bad row is listed with its line and nothing is written; --skip-invalid writes the good ones`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const cipher = createPersonalDataCipher(Buffer.alloc(32, 1));
    const text = [
      `${HEADER},city`,
      '210102196503120106,张伟,135790,企业职工基本养老保险:正常参保,86543.21,2024-05,沈阳市',
      '210102196503120107,坏校验,111111,,,,x', // 3: check character
      '21010219780416107x,"林, 小红",222222,"基本医疗保险:正常参保;失业保险:正常参保",0.29,2024-05,"大连市"', // x accepted
      '210202195801170102,王芳,333333,医疗保险,,,y', // 5: insurances
      '210202198111230108,李娜,444444,,12.345,2024-05,z', // 6: balance
      '210302196904300109,刘洋,555555,,100.00,,z', // 7: asOf missing
      '210402197506210108,陈静,666666,,100.00,2024-13,z', // 8: month
      '210102196503120106,张伟,135790,,,,dup', // 9: duplicate of line 2
      '210105198802090101,杨磊,,,,,z', // 10: new person without a password
      '210211196207140104,赵敏,777777,,', // 11: too few fields
      '210602195509180102,"黄"海涛,888888,,,,z', // 12: quote after quote
      '210702197903020101,,999999,,,,z', // 13: empty name
    ].join('\n');
    const rejected = await importPersons(store, cipher, text);
    assert.equal(rejected.imported, false);
    assert.equal(rejected.rows, 12);
    assert.deepEqual(
      rejected.invalid.map((p) => p.line),
      [3, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    );
    assert.match(rejected.invalid[0]!.reason, /^ssn:/);
    assert.match(rejected.invalid.find((p) => p.line === 9)!.reason, /line 2/);
    assert.match(rejected.invalid.find((p) => p.line === 10)!.reason, /servicePassword/);
    for (const p of rejected.invalid) assert.ok(!/\d{17}/.test(p.reason), 'reasons never repeat an SSN');
    assert.equal(await countBackendPersons(store.db), 0, 'nothing written');

    const progress: string[] = [];
    const skipped = await importPersons(store, cipher, text, {
      skipInvalid: true,
      progressEvery: 1,
      onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`),
    });
    assert.deepEqual([skipped.imported, skipped.created, skipped.updated], [true, 2, 0]);
    assert.ok(progress.includes('write 2/2'));
    const backend = new EmbeddedBackend(store, cipher);
    const lin = await backend.findPerson('21010219780416107X');
    assert.deepEqual(lin, {
      ssn: '21010219780416107X',
      name: '林, 小红',
      insurances: [
        { type: '基本医疗保险', status: '正常参保' },
        { type: '失业保险', status: '正常参保' },
      ],
      pension: { balanceCents: 29, asOf: '2024-05' },
      extra: { city: '大连市' },
    });
  });

  test(`${dialect}: re-importing updates; an empty password keeps the one the citizen set`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const cipher = createPersonalDataCipher(Buffer.alloc(32, 2));
    const first = await importPersons(store, cipher, personsCsv(DEMO_PERSONS.slice(0, 3)));
    assert.deepEqual([first.created, first.updated], [3, 0]);
    const backend = new EmbeddedBackend(store, cipher);
    assert.equal(await backend.changeServicePassword('210102196503120106', '864200'), 'ok');

    const second = await importPersons(
      store,
      cipher,
      `\uFEFF${HEADER}\r\n` +
        '210102196503120106,张伟,,养老保险:终止参保,1.00,2024-06\r\n' +
        '210102197208050103,张秀英,000000,,,\r\n' +
        '210105198802090101,杨磊,123123,,,\r\n',
    );
    assert.deepEqual([second.imported, second.created, second.updated], [true, 1, 2]);
    assert.equal(await countBackendPersons(store.db), 4);
    const zhang = await backend.findPerson('210102196503120106');
    assert.deepEqual(zhang && [zhang.insurances, zhang.pension, zhang.extra], [
      [{ type: '养老保险', status: '终止参保' }],
      { balanceCents: 100, asOf: '2024-06' },
      {},
    ]);
    assert.equal(await backend.verifyServicePassword('210102196503120106', '864200'), 'ok', 'kept');
    assert.equal(await backend.verifyServicePassword('210102197208050103', '000000'), 'ok', 'replaced');
    assert.equal((await backend.findPerson('210102197208050103'))?.pension, null);

    await assert.rejects(
      importPersons(
        store,
        createPersonalDataCipher(Buffer.alloc(32, 3)),
        personsCsv(DEMO_PERSONS.slice(0, 1)),
      ),
      (err) => isAppError(err, 'ERR_DATA_KEY'),
      'a different key would orphan every row',
    );
    for (const bad of ['', 'ssn,name\n1,2\n', `${HEADER},ssn\n`, `${HEADER},\n`])
      await assert.rejects(importPersons(store, cipher, bad), (err) => isAppError(err, 'ERR_INPUT_INVALID'));
  });
}
