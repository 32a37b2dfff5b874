import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, otpauthUri, totpAt, verifyTotp } from '../../src/security/totp.js';

// RFC 6238 Appendix B, SHA-1 rows: secret "12345678901234567890", 8 digits, 30 s steps.
const RFC6238: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

test('RFC 6238 test vectors (SHA-1)', () => {
  const key = Buffer.from('12345678901234567890', 'ascii');
  for (const [t, code] of RFC6238) assert.equal(hotp(key, Math.floor(t / 30), 8), code, String(t));
});

test('RFC 4226 Appendix D HOTP values', () => {
  const key = Buffer.from('12345678901234567890', 'ascii');
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  expected.forEach((code, i) => assert.equal(hotp(key, i), code));
});

test('base32 round trip and RFC 4648 vector', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
});

test('verify accepts one step either side, nothing further', () => {
  const secret = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
  const now = 1_111_111_111_000;
  assert.equal(totpAt(secret, now), '050471');
  assert.ok(verifyTotp(secret, totpAt(secret, now), now));
  assert.ok(verifyTotp(secret, totpAt(secret, now - 30_000), now));
  assert.ok(verifyTotp(secret, totpAt(secret, now + 30_000), now));
  assert.ok(!verifyTotp(secret, totpAt(secret, now - 60_000), now));
  assert.ok(!verifyTotp(secret, 'abcdef', now));
  assert.match(
    otpauthUri('sms12333', 'admin', secret),
    /^otpauth:\/\/totp\/sms12333%3Aadmin\?secret=GEZDGNBVGY3TQOJQ/,
  );
});
