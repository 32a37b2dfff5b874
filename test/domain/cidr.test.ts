import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, parseCidr, parseCidrList, parseIp } from '../../src/domain/cidr.js';

const must = (text: string) => {
  const c = parseCidr(text);
  assert.ok(c, `${text} parses`);
  return c;
};

test('IPv4 blocks match their addresses only', () => {
  const c = must('10.1.0.0/16');
  assert.ok(cidrContains(c, '10.1.2.3'));
  assert.ok(cidrContains(c, '10.1.255.255'));
  assert.equal(cidrContains(c, '10.2.0.1'), false);
  assert.ok(cidrContains(must('127.0.0.1'), '127.0.0.1'));
  assert.equal(cidrContains(must('127.0.0.1'), '127.0.0.2'), false);
  assert.ok(cidrContains(must('0.0.0.0/0'), '8.8.8.8'));
});

test('IPv4-mapped IPv6 addresses match IPv4 blocks', () => {
  assert.ok(cidrContains(must('192.168.1.0/24'), '::ffff:192.168.1.20'));
  assert.equal(cidrContains(must('192.168.1.0/24'), '::ffff:192.168.2.20'), false);
});

test('IPv6 blocks', () => {
  assert.ok(cidrContains(must('::1/128'), '::1'));
  assert.equal(cidrContains(must('::1'), '::2'), false);
  assert.ok(cidrContains(must('2001:db8::/32'), '2001:db8:1234::1'));
  assert.equal(cidrContains(must('2001:db8::/32'), '2001:db9::1'), false);
  assert.equal(cidrContains(must('2001:db8::/32'), '10.0.0.1'), false);
  assert.deepEqual(parseIp('1:2:3:4:5:6:7:8')?.family, 6);
});

test('malformed entries are refused, not guessed', () => {
  for (const bad of [
    '10.0.0.256',
    '10.0.0.0/33',
    '1.2.3',
    'abc',
    '::1/129',
    '1::2::3',
    '10.0.0.0/8/1',
    '1:2:3:4:5:6:7:8:9',
  ])
    assert.equal(parseCidr(bad), null, bad);
  assert.deepEqual(parseCidrList('10.0.0.0/8, bad ,::1').invalid, ['bad']);
  assert.equal(parseCidrList('10.0.0.0/8，127.0.0.1').blocks.length, 2);
});
