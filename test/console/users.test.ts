/**
 * Users and roles over the real console listener: the security administrator
 * creates users with one-time passwords, changes roles under 三员分立, disables, resets, unlocks;
 * nobody changes themselves; other roles get 403; every change is in the audit log, passwords never.
 * The list is exactly its contract (contract/users.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usersAnswer, type UsersAnswer, type UserView as UserRow } from '../../src/console/contract/users.js';
import { checkAdminPassword } from '../../src/domain/admin-password.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

async function login(url: string, username: string, password: string) {
  return fetch(`${url}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

async function userRow(client: ConsoleClient, username: string): Promise<UserRow | undefined> {
  const res = await client.get<UsersAnswer>('users');
  assert.equal(res.status, 200);
  assert.deepEqual(usersAnswer.parse(res.json), res.json, 'the contract, nothing more');
  return res.json.users.find((u) => u.username === username);
}

for (const dialect of DIALECTS) {
  test(`${dialect}: users API — one-time passwords, 三员分立, resets, self-changes refused, 403 for others`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const url = rig.platform.consoleUrl ?? '';
    const sec = await consoleLogin(
      url,
      await addConsoleUser(rig.platform, 'zhao.sec', ['security-admin'], { totp: true }),
    );

    // Create: the answer shows the one-time password once; it meets the administrator policy.
    const created = await sec.post<{ initialPassword: string; roles: string[] }>('users', {
      username: 'li.op',
      roles: ['operator', 'case-handler'],
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const firstPassword = created.json.initialPassword;
    assert.deepEqual(checkAdminPassword(firstPassword, 'li.op'), []);
    assert.deepEqual(created.json.roles, ['operator', 'case-handler']);
    const listed = await userRow(sec, 'li.op');
    assert.deepEqual(
      listed && [listed.roles, listed.status, listed.mustChangePassword, listed.totpEnrolled],
      [['operator', 'case-handler'], 'active', true, false],
    );

    // Refusals: 三员分立, unknown role, taken name, bad name.
    const exclusive = await sec.post<{ code: string; message: string }>('users', {
      username: 'x.both',
      roles: ['security-admin', 'auditor'],
    });
    assert.equal(exclusive.status, 400);
    assert.equal(exclusive.json.code, 'ROLES_EXCLUSIVE');
    assert.match(exclusive.json.message, /三员分立/);
    const unknown = await sec.post<{ code: string }>('users', { username: 'x.root', roles: ['root'] });
    assert.deepEqual([unknown.status, unknown.json.code], [400, 'ROLES_INVALID']);
    const taken = await sec.post<{ code: string }>('users', { username: 'li.op', roles: ['reviewer'] });
    assert.deepEqual([taken.status, taken.json.code], [409, 'USER_EXISTS']);
    const badName = await sec.post<{ code: string }>('users', { username: 'a b', roles: ['reviewer'] });
    assert.deepEqual([badName.status, badName.json.code], [400, 'USERNAME_INVALID']);
    assert.equal(await userRow(sec, 'x.both'), undefined);

    // The one-time password opens only the password change.
    const first = await consoleLogin(url, { username: 'li.op', password: firstPassword, totpSecret: null });
    const me = await first.get<{ user: { mustChangePassword: boolean } }>('me');
    assert.equal(me.json.user.mustChangePassword, true);
    const blocked = await first.get<{ code: string }>('roles');
    assert.deepEqual([blocked.status, blocked.json.code], [403, 'PASSWORD_CHANGE_REQUIRED']);
    const changed = await first.post('password', {
      currentPassword: firstPassword,
      newPassword: 'Li-0p-Secret',
    });
    assert.equal(changed.status, 200);
    assert.equal((await first.get('roles')).status, 200);

    // Roles change; 三员 refused here too.
    const roles = await sec.put('users/li.op/roles', { roles: ['reviewer'] });
    assert.equal(roles.status, 200);
    assert.deepEqual((await userRow(sec, 'li.op'))?.roles, ['reviewer']);
    const twoAdmins = await sec.put<{ code: string }>('users/li.op/roles', {
      roles: ['system-admin', 'auditor'],
    });
    assert.deepEqual([twoAdmins.status, twoAdmins.json.code], [400, 'ROLES_EXCLUSIVE']);
    assert.equal(
      (await sec.put<{ code: string }>('users/nobody/roles', { roles: ['reviewer'] })).status,
      404,
    );

    // Nobody changes themselves.
    for (const [call, path] of [
      [
        () => sec.put<{ code: string }>('users/zhao.sec/roles', { roles: ['security-admin', 'operator'] }),
        'roles',
      ],
      [() => sec.post<{ code: string }>('users/zhao.sec/disable'), 'disable'],
      [() => sec.post<{ code: string }>('users/zhao.sec/reset-password'), 'reset-password'],
      [() => sec.post<{ code: string }>('users/zhao.sec/reset-totp'), 'reset-totp'],
    ] as const) {
      const res = await call();
      assert.deepEqual([res.status, res.json.code], [403, 'SELF_CHANGE'], path);
    }

    // Reset: a new one-time password, every session of the user ends, the old password is gone.
    const reset = await sec.post<{ initialPassword: string }>('users/li.op/reset-password');
    assert.equal(reset.status, 200);
    assert.notEqual(reset.json.initialPassword, firstPassword);
    assert.equal((await first.get('me')).status, 401, 'the reset ended the session');
    assert.equal((await login(url, 'li.op', 'Li-0p-Secret')).status, 401);
    const again = await consoleLogin(url, {
      username: 'li.op',
      password: reset.json.initialPassword,
      totpSecret: null,
    });
    assert.equal(
      (await again.get<{ user: { mustChangePassword: boolean } }>('me')).json.user.mustChangePassword,
      true,
    );

    // Lockout after five failures; unlock clears it at once.
    for (let i = 0; i < 5; i++) await login(url, 'li.op', `wrong-${i}`);
    assert.equal((await login(url, 'li.op', reset.json.initialPassword)).status, 423);
    assert.ok((await userRow(sec, 'li.op'))?.lockedUntil);
    assert.equal((await sec.post('users/li.op/unlock')).status, 200);
    assert.equal((await userRow(sec, 'li.op'))?.lockedUntil, null);
    assert.equal((await login(url, 'li.op', reset.json.initialPassword)).status, 200);

    // Disable ends the sessions and refuses logins; enable lets the user back in.
    assert.equal((await sec.post('users/li.op/disable')).status, 200);
    assert.equal((await again.get('me')).status, 401);
    assert.equal((await login(url, 'li.op', reset.json.initialPassword)).status, 401);
    assert.equal((await userRow(sec, 'li.op'))?.status, 'disabled');
    assert.equal((await sec.post('users/li.op/enable')).status, 200);
    assert.equal((await login(url, 'li.op', reset.json.initialPassword)).status, 200);

    // Reset of the second factor: the administrator must enrol again.
    const auditorUser = await addConsoleUser(rig.platform, 'qian.audit', ['auditor'], { totp: true });
    assert.equal((await userRow(sec, 'qian.audit'))?.totpEnrolled, true);
    assert.equal((await sec.post('users/qian.audit/reset-totp')).status, 200);
    assert.equal((await userRow(sec, 'qian.audit'))?.totpEnrolled, false);
    const reEnrol = await consoleLogin(url, { ...auditorUser, totpSecret: null });
    assert.equal(
      (await reEnrol.get<{ user: { mustEnrolTotp: boolean } }>('me')).json.user.mustEnrolTotp,
      true,
    );

    // Other roles: 403 on every users route.
    const others = [
      await consoleLogin(url, await addConsoleUser(rig.platform, 'sun.op', ['operator'])),
      await consoleLogin(url, await addConsoleUser(rig.platform, 'wu.sys', ['system-admin'], { totp: true })),
      await consoleLogin(url, await addConsoleUser(rig.platform, 'zheng.aud', ['auditor'], { totp: true })),
    ];
    for (const other of others) {
      assert.equal((await other.get('users')).status, 403);
      assert.equal((await other.post('users', { username: 'x.new', roles: ['operator'] })).status, 403);
      assert.equal((await other.put('users/li.op/roles', { roles: ['operator'] })).status, 403);
      assert.equal((await other.post('users/li.op/reset-password')).status, 403);
      assert.equal((await other.post('users/li.op/unlock')).status, 403);
    }
    assert.equal(await userRow(sec, 'x.new'), undefined);

    // The audit trail: data entries for changes, operation entries for resets; no password anywhere.
    const entries = await searchAudit(rig.platform.handle.db, { actor: 'zhao.sec' }, 0, 500);
    const seen = entries
      .filter((e) => e.action.startsWith('user.') && e.result === 'ok')
      .map((e) => `${e.kind} ${e.action} ${e.target ?? ''}`)
      .reverse();
    assert.deepEqual(seen, [
      'data user.create li.op',
      'data user.roles li.op',
      'operation user.reset-password li.op',
      'operation user.unlock li.op',
      'data user.disable li.op',
      'data user.enable li.op',
      'operation user.reset-totp qian.audit',
    ]);
    const create = entries.find((e) => e.action === 'user.create');
    assert.deepEqual(JSON.parse(create?.detail ?? '{}'), { roles: ['operator', 'case-handler'] });
    const denied = entries.filter((e) => e.result === 'denied' && e.target === 'zhao.sec');
    assert.equal(denied.length, 4, 'self-changes are recorded as denied');
    const all = await searchAudit(rig.platform.handle.db, {}, 0, 10_000);
    for (const e of all)
      for (const secret of [firstPassword, reset.json.initialPassword, 'Li-0p-Secret'])
        assert.ok(!`${e.detail} ${e.target ?? ''}`.includes(secret), `a password in audit entry ${e.seq}`);
  });
}
