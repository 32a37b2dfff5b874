import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkServicePassword,
  PASSWORD_PROBLEM_MESSAGES,
  SERVICE_PASSWORD_MAX_LENGTH,
  SERVICE_PASSWORD_MIN_LENGTH,
} from '../../src/domain/service-password.js';
import { isSsnShaped } from '../../src/domain/ssn.js';

const SSN = '21010219800101123X';
const MOBILE = '13912345678';
const reasonOf = (password: string, context = { ssn: SSN, mobile: MOBILE }) => {
  const verdict = checkServicePassword(password, context);
  return verdict.ok ? 'ok' : verdict.reason;
};

test('acceptable passwords', () => {
  for (const p of ['802613', 'Ab3927', '7k2m9q', '20240917', 'a1b2c3d4e5f6g7', '135792'])
    assert.deepEqual(checkServicePassword(p, { ssn: SSN, mobile: MOBILE }), { ok: true }, p);
});

test('every failure reason, with its Chinese explanation', () => {
  const cases: [string, string][] = [
    ['80261', 'length'],
    ['', 'length'],
    ['802613802613802', 'length'],
    ['8026 13', 'characters'],
    ['80261３', 'characters'],
    ['密码802613', 'characters'],
    ['802-613', 'characters'],
    ['111111', 'repeated'],
    ['aAaAaA', 'repeated'],
    ['123456', 'sequence'],
    ['654321', 'sequence'],
    ['345678901', 'sequence'],
    ['abcdef', 'sequence'],
    ['FEDCBA', 'sequence'],
    ['121212', 'pattern'],
    ['123123', 'pattern'],
    ['AbcAbc', 'pattern'],
    ['147258', 'common'],
    ['520520', 'pattern'],
    ['5201314', 'common'],
    ['01123X', 'personal'],
    ['01123x', 'personal'],
    ['19800101', 'personal'],
    ['800101', 'personal'],
    ['345678', 'sequence'],
    ['12345678', 'sequence'],
    ['345679', 'ok'],
    ['915678', 'ok'],
    ['345670', 'ok'],
  ];
  for (const [password, reason] of cases) assert.equal(reasonOf(password), reason, password);
  const verdict = checkServicePassword('111111');
  assert.ok(!verdict.ok);
  assert.equal(verdict.message, PASSWORD_PROBLEM_MESSAGES.repeated);
  for (const message of Object.values(PASSWORD_PROBLEM_MESSAGES)) assert.match(message, /^密码/);
  assert.match(PASSWORD_PROBLEM_MESSAGES.length, /6至14位/);
});

test('personal data: SSN tail and birth date (18 or 15 digits), phone number', () => {
  assert.equal(reasonOf('912345', { ssn: SSN, mobile: '13800912345' }), 'personal');
  assert.equal(reasonOf('00912345', { ssn: SSN, mobile: '13800912345' }), 'personal');
  assert.equal(reasonOf('491231', { ssn: '110105491231002', mobile: MOBILE }), 'personal');
  assert.equal(reasonOf('231002', { ssn: '110105491231002', mobile: MOBILE }), 'personal');
  assert.equal(
    reasonOf('01123X', { ssn: '', mobile: '' }),
    'ok',
    'without context the SSN tail is just a password',
  );
  assert.equal(checkServicePassword('19800101').ok, true);
});

test('property: an accepted password is never shaped like an SSN (what command masking relies on)', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9A-Za-z]{1,20}$/), (password) => {
      const verdict = checkServicePassword(password);
      if (verdict.ok) {
        assert.ok(!isSsnShaped(password), password);
        assert.ok(
          password.length >= SERVICE_PASSWORD_MIN_LENGTH && password.length <= SERVICE_PASSWORD_MAX_LENGTH,
        );
      } else assert.equal(verdict.message, PASSWORD_PROBLEM_MESSAGES[verdict.reason]);
    }),
    { numRuns: 2000 },
  );
});
