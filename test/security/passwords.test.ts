import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';

test('passwords are hashed with argon2id, salted, and verified', async () => {
  const a = await hashPassword('s3cret-Pass');
  const b = await hashPassword('s3cret-Pass');
  assert.match(a, /^\$argon2id\$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(await verifyPassword(a, 's3cret-Pass'), true);
  assert.equal(await verifyPassword(a, 's3cret-pass'), false);
  assert.equal(await verifyPassword('not-a-hash', 'x'), false, 'a malformed stored hash verifies nothing');
});
