import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parsePhoneData,
  parsePhoneDat,
  parseSegmentCsv,
  provinceCodeOf,
} from '../../src/domain/phone-data.js';
import { phoneDat, segmentCsv } from '../helpers/phone-data.js';

test('CSV: longest prefix wins; names and codes both read; date from the header', () => {
  const parsed = parseSegmentCsv(
    segmentCsv([
      { prefix: '139', province: '辽宁省', city: '', carrier: 'cmcc' },
      { prefix: '1390898', province: '46', city: '海口市', carrier: '中国移动' },
      { prefix: '13908981', province: '21', city: '沈阳市' },
    ]),
    'fallback',
  );
  assert.ok(parsed.ok);
  const data = parsed.data;
  assert.equal(data.date, '2026-01-15');
  assert.equal(data.entries, 3);
  assert.deepEqual(data.blocks, ['139']);
  assert.deepEqual(data.lookup('13908980000'), { province: '46', city: '海口市', carrier: 'cmcc' });
  assert.equal(data.lookup('13908981000')?.province, '21');
  assert.equal(data.lookup('13912345678')?.province, '21');
  assert.equal(data.lookup('13812345678'), null);
});

test('CSV: a bad line is refused with its line number', () => {
  const cases: [string, RegExp][] = [
    ['1390000,99,x,\n', /province "99"/],
    ['1390000,21,x,cmcc\nabc,21,x,\n', /prefix "abc"/],
    ['1390000,21\n1390000,21\n', /appears twice/],
    ['1390000,21,x,telco\n', /carrier "telco"/],
    ['1390000,21,x,cmcc,extra\n', /5 columns/],
  ];
  for (const [text, reason] of cases) {
    const parsed = parseSegmentCsv(`prefix,province,city,carrier\n${text}`, '');
    assert.ok(!parsed.ok, text);
    assert.match(parsed.error.reason, reason);
    assert.match(parsed.error.where, /^line \d+$/);
  }
  const bad = parseSegmentCsv('prefix,province,city,carrier\n1390000,21,a,\n1390001,北极,b,\n', '');
  assert.ok(!bad.ok);
  assert.equal(bad.error.where, 'line 3');
});

test('phone.dat: records, card types and the version as the date', () => {
  const bytes = phoneDat('2306', [
    { prefix: 1300000, record: '辽宁|沈阳|110000|024', cardType: 2 },
    { prefix: 1300001, record: '海南|海口|570000|0898', cardType: 2 },
    { prefix: 1700000, record: '海南|海口|570000|0898', cardType: 4 },
    { prefix: 1920000, record: '北京|北京|100000|010', cardType: 7 },
  ]);
  const parsed = parsePhoneData(bytes, 'fallback');
  assert.ok(parsed.ok);
  assert.equal(parsed.data.format, 'phone.dat');
  assert.equal(parsed.data.date, '2023-06');
  assert.deepEqual(parsed.data.lookup('13000012345'), { province: '46', city: '海口', carrier: 'cucc' });
  assert.equal(parsed.data.lookup('17000001234')?.carrier, 'mvno');
  assert.equal(parsed.data.lookup('19200001234')?.carrier, 'cbn');
  assert.equal(parsed.data.lookup('13000021234'), null);
});

test('phone.dat: damage is refused naming the offset', () => {
  const good = phoneDat('2306', [{ prefix: 1300000, record: '辽宁|沈阳|110000|024', cardType: 1 }]);
  const indexAt = good.readInt32LE(4);
  const short = good.subarray(0, 6);
  assert.match(JSON.stringify(parsePhoneDat(short)), /offset 0/);
  const outside = Buffer.from(good);
  outside.writeInt32LE(good.length + 10, 4);
  assert.match(JSON.stringify(parsePhoneDat(outside)), /offset 4/);
  const cut = good.subarray(0, good.length - 2);
  assert.match(JSON.stringify(parsePhoneDat(cut)), new RegExp(`offset ${indexAt}`));
  const badType = Buffer.from(good);
  badType.writeUInt8(9, indexAt + 8);
  const r = parsePhoneDat(badType);
  assert.ok(!r.ok);
  assert.equal(r.error.where, `offset ${indexAt + 8}`);
  const badRecord = Buffer.from(good);
  badRecord.writeInt32LE(indexAt + 100, indexAt + 4);
  assert.match(JSON.stringify(parsePhoneDat(badRecord)), /record offset outside/);
  const unknownProvince = phoneDat('2306', [{ prefix: 1300000, record: '火星|x|0|0', cardType: 1 }]);
  assert.match(JSON.stringify(parsePhoneDat(unknownProvince)), /names no known province/);
});

test('province names and codes', () => {
  assert.equal(provinceCodeOf('21'), '21');
  assert.equal(provinceCodeOf('广西壮族自治区'), '45');
  assert.equal(provinceCodeOf('内蒙古'), '15');
  assert.equal(provinceCodeOf('99'), null);
});
