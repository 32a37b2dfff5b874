import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  characterClasses,
  checkAdminPassword,
  generatePassword,
  passwordExpired,
} from '../../src/domain/admin-password.js';
import { can, CONSOLE_ROLES, PERMISSIONS, parseRoles } from '../../src/domain/console-roles.js';

test('roles: the three administrators exclude each other; the others combine', () => {
  assert.deepEqual(parseRoles('operator,reviewer'), { roles: ['operator', 'reviewer'] });
  assert.deepEqual(parseRoles('system-admin, operator'), { roles: ['system-admin', 'operator'] });
  assert.deepEqual(parseRoles('auditor,auditor'), { roles: ['auditor'] });
  assert.deepEqual(parseRoles('system-admin,auditor'), {
    problem: { kind: 'exclusive', roles: ['system-admin', 'auditor'] },
  });
  assert.deepEqual(parseRoles('security-admin,operator,system-admin'), {
    problem: { kind: 'exclusive', roles: ['security-admin', 'system-admin'] },
  });
  assert.deepEqual(parseRoles('root'), { problem: { kind: 'unknown', role: 'root' } });
  assert.deepEqual(parseRoles(' , '), { problem: { kind: 'empty' } });
});

test('permissions: audit only for the auditor, who cannot send; users only for the security admin', () => {
  assert.ok(can(['auditor'], 'audit.read'));
  assert.ok(!can(['auditor'], 'message.send'));
  assert.ok(!can(['system-admin'], 'audit.read'));
  assert.ok(!can(['system-admin'], 'user.manage'));
  assert.ok(can(['security-admin'], 'user.manage'));
  assert.ok(can(['operator', 'reviewer'], 'batch.review'));
  assert.ok(!can([], 'stats.read'));
  // No two administrator roles share an action: separation of duties in the table itself.
  const admins = ['system-admin', 'security-admin', 'auditor'] as const;
  for (const a of admins)
    for (const b of admins)
      if (a !== b)
        assert.deepEqual(
          PERMISSIONS[a].filter((x) => PERMISSIONS[b].includes(x)),
          [],
          `${a} ∩ ${b}`,
        );
  for (const r of CONSOLE_ROLES) assert.ok(PERMISSIONS[r].length > 0, r);
});

test('admin password policy: length, three classes, not the user name', () => {
  assert.deepEqual(checkAdminPassword('Abcdef1!', 'admin'), []);
  assert.deepEqual(checkAdminPassword('abcdef12', 'admin'), ['too-few-classes']);
  assert.deepEqual(checkAdminPassword('Ab1!', 'admin'), ['too-short']);
  assert.deepEqual(checkAdminPassword('xxADMINxx1!', 'admin'), ['contains-username']);
  assert.deepEqual(checkAdminPassword('abcdefgh', 'zhang'), ['too-few-classes']);
  assert.deepEqual(checkAdminPassword('密码密码Abc1', 'zhang'), []);
  assert.equal(characterClasses('aA1'), 3);
  assert.equal(characterClasses('aA1-'), 4);
});

test('password expiry', () => {
  const day = 86_400_000;
  assert.equal(passwordExpired(0, 89 * day, 90), false);
  assert.equal(passwordExpired(0, 90 * day, 90), true);
  assert.equal(passwordExpired(0, 9999 * day, 0), false, '0: never expires');
});

test('generated passwords meet the policy', () => {
  let seed = 1;
  const rand = (max: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % max;
  };
  for (let i = 0; i < 200; i++) {
    const p = generatePassword(rand);
    assert.equal(p.length, 16);
    assert.deepEqual(checkAdminPassword(p, 'admin'), [], p);
  }
});
