/** `sms12333 user add` as an administrator runs it: a real process on a real database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/bench/processes.js';
import { checkAdminPassword } from '../../src/domain/admin-password.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { findUserByName } from '../../src/store/console-users.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: user add prints a one-time password; refuses 三员 combinations and duplicates`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const env = { SMS12333_DATABASE_URL: target.url };

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
