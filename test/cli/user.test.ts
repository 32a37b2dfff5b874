/** `sms12333 user …` as an administrator runs it: a real process on a real database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/bench/processes.js';
import { checkAdminPassword } from '../../src/domain/admin-password.js';
import { deriveAuditKey, verifyAudit } from '../../src/audit/log.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { findUserByName, recordFailure } from '../../src/store/console-users.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { TEST_DATA_KEY } from '../helpers/platform.js';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: user add prints a one-time password; refuses 三员 combinations and duplicates`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    // A key in the environment: no key file is written beside a PostgreSQL test database (./data).
    const env = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY };

    const add = await cli(['user', 'add', '--username', 'admin', '--role', 'system-admin,operator'], env);
    assert.equal(add.code, 0, add.stderr);
    const password = /initial password[^:]*: (\S+)/.exec(add.stdout)?.[1];
    assert.ok(password, add.stdout);
    assert.deepEqual(checkAdminPassword(password, 'admin'), []);
    const db = await openDatabase(target.url);
    t.after(() => db.close());
    const user = await findUserByName(db.db, 'admin');
    assert.deepEqual(user && [user.roles, user.mustChangePassword, user.status], [
      ['system-admin', 'operator'],
      true,
      'active',
    ]);
    assert.ok(user && (await verifyPassword(user.passwordHash, password)));

    const again = await cli(['user', 'add', '--username', 'admin', '--role', 'operator'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /已存在/);
    const exclusive = await cli(['user', 'add', '--username', 'x1', '--role', 'security-admin,auditor'], env);
    assert.equal(exclusive.code, 1);
    assert.match(exclusive.stderr, /互斥/);
    const unknown = await cli(['user', 'add', '--username', 'x2', '--role', 'root'], env);
    assert.equal(unknown.code, 1);
    assert.equal((await cli(['user', 'add', '--username', 'x3'], env)).code, 2);
    assert.equal(await findUserByName(db.db, 'x1'), null);
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: user list, reset-password, unlock, reset-totp, disable, enable; every change audited by cli`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const env = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY };
    const empty = await cli(['user', 'list'], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /没有控制台用户.*user add --username U --role system-admin/);
    const add = await cli(['user', 'add', '--username', 'sec', '--role', 'security-admin'], env);
    assert.equal(add.code, 0, add.stderr);
    const first = /initial password[^:]*: (\S+)/.exec(add.stdout)?.[1] ?? '';

    const db = await openDatabase(target.url);
    t.after(() => db.close());
    const sec = await findUserByName(db.db, 'sec');
    assert.ok(sec);
    await recordFailure(
      db.db,
      sec.id,
      { failedLogins: 0, failedWindowStart: null, lockedUntil: Date.now() + 600_000 },
      Date.now(),
    );
    assert.match(
      (await cli(['user', 'list'], env)).stdout,
      /sec\s+security-admin\s+正常 active\s+锁定至 locked until .*待改密/,
    );

    const reset = await cli(['user', 'reset-password', '--username', 'sec'], env);
    assert.equal(reset.code, 0, reset.stderr);
    const second = /one-time password[^:]*: (\S+)/.exec(reset.stdout)?.[1] ?? '';
    const after = await findUserByName(db.db, 'sec');
    assert.ok(after && (await verifyPassword(after.passwordHash, second)));
    assert.ok(!(await verifyPassword(after.passwordHash, first)));
    assert.equal(after.mustChangePassword, true);
    assert.equal(after.lockedUntil, null, 'a reset also lifts the lockout');

    for (const action of ['unlock', 'reset-totp', 'disable']) {
      const r = await cli(['user', action, '--username', 'sec'], env);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal((await findUserByName(db.db, 'sec'))?.status, 'disabled');
    assert.equal((await cli(['user', 'enable', '--username', 'sec'], env)).code, 0);
    assert.equal((await findUserByName(db.db, 'sec'))?.status, 'active');
    const missing = await cli(['user', 'unlock', '--username', 'nobody'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /没有用户 nobody/);
    assert.equal((await cli(['user', 'frobnicate'], env)).code, 2);

    const entries = await searchAudit(db.db, { actor: 'cli' }, 0, 100);
    assert.deepEqual(entries.map((e) => `${e.kind} ${e.action} ${e.target ?? ''}`).reverse(), [
      'data user.create sec',
      'operation user.reset-password sec',
      'operation user.unlock sec',
      'operation user.reset-totp sec',
      'data user.disable sec',
      'data user.enable sec',
    ]);
    for (const e of entries) assert.ok(!e.detail.includes(first) && !e.detail.includes(second));
    const verdict = await verifyAudit(db, deriveAuditKey(Buffer.from(TEST_DATA_KEY, 'base64')));
    assert.deepEqual(verdict.ok && verdict.count, 6);
  });
}
