/**
 * First run of the console: `serve --demo` on an empty folder creates one console account
 * per duty with a one-time password, keeps them in data/demo.json (0600) and prints them under the
 * console URL on every start until the user has changed the password. Without --demo and without
 * users, serve says how to create the first administrator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, type ChildHandle } from '../../src/bench/processes.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { openDatabase } from '../../src/store/connect.js';
import { consoleLogin } from '../helpers/console.js';
import { demoFolder } from '../helpers/demo.js';
import { eventually } from '../helpers/platform.js';

const USERS = ['admin', 'security', 'auditor', 'operator', 'reviewer'];

test('serve --demo: first run creates the console accounts and prints them until changed', async (t) => {
  const demo = await demoFolder('sms12333-demo-console-');
  t.after(() => demo.close());
  const { dir, env } = demo;
  const start = async () => {
    const { process, banner } = await demo.start();
    return { demo: process, banner };
  };

  const first = await start();
  assert.equal(first.banner.consoleUrl, `http://127.0.0.1:${env.SMS12333_CONSOLE_PORT}`);
  assert.deepEqual([...first.banner.users.keys()], USERS);
  const passwords = new Map([...first.banner.users].map(([u, p]) => [u, p ?? '']));
  for (const [user, password] of passwords) assert.match(password, /^\S{16}$/, user);
  assert.equal(new Set(passwords.values()).size, 5, 'every account has its own password');
  const secretsFile = join(dir, 'data', 'demo.json');
  assert.equal(statSync(secretsFile).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(secretsFile, 'utf8')) as { consoleUsers: Record<string, string> };
  assert.deepEqual(saved.consoleUsers, Object.fromEntries(passwords));

  // The printed password logs in and must be changed first.
  const operator = await consoleLogin(first.banner.consoleUrl, {
    username: 'operator',
    password: passwords.get('operator') ?? '',
    totpSecret: null,
  });
  const me = await operator.get<{ user: { roles: string[]; mustChangePassword: boolean } }>('me');
  assert.deepEqual(me.json.user.roles, ['operator', 'case-handler']);
  assert.equal(me.json.user.mustChangePassword, true);
  const changed = await operator.post('password', {
    currentPassword: passwords.get('operator'),
    newPassword: 'Operat0r-Chosen',
  });
  assert.equal(changed.status, 200);
  // An administrator is sent to the second factor after the password (console.requireTotpFor).
  const admin = await consoleLogin(first.banner.consoleUrl, {
    username: 'admin',
    password: passwords.get('admin') ?? '',
    totpSecret: null,
  });
  await admin.post('password', { currentPassword: passwords.get('admin'), newPassword: 'Adm1n-Chosen!' });
  assert.equal((await admin.get<{ user: { mustEnrolTotp: boolean } }>('me')).json.user.mustEnrolTotp, true);
  assert.equal(await first.demo.kill('SIGTERM'), 0);

  // The next start keeps the accounts; the changed passwords are no longer shown nor kept.
  const second = await start();
  assert.deepEqual(
    Object.fromEntries(second.banner.users),
    Object.fromEntries(USERS.map((u) => [u, u === 'operator' || u === 'admin' ? null : passwords.get(u)])),
  );
  const kept = JSON.parse(readFileSync(secretsFile, 'utf8')) as {
    consoleUsers: Record<string, string | null>;
  };
  assert.equal(kept.consoleUsers.operator, null);
  assert.equal(await second.demo.kill('SIGTERM'), 0);

  // The creations are in the audit log, by `system`, without any password.
  const handle = await openDatabase(`sqlite:${join(dir, 'data', 'sms12333.db')}`);
  t.after(() => handle.close());
  const created = await searchAudit(handle.db, { actor: 'system', actionContains: 'user.create' }, 0, 10);
  assert.deepEqual(created.map((e) => e.target).reverse(), USERS);
  for (const e of created) for (const p of passwords.values()) assert.ok(!e.detail.includes(p));
});

test('serve without --demo and without console users says how to create the first administrator', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-serve-nousers-'));
  let child: ChildHandle | null = null;
  t.after(async () => {
    await child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  child = runCli(
    ['serve'],
    {
      SMS12333_DATABASE_URL: `sqlite:${join(dir, 'sms12333.db')}`,
      SMS12333_INTERFACE_PORT: String(await freePort()),
      SMS12333_METRICS_PORT: String(await freePort()),
      SMS12333_CONSOLE_PORT: String(await freePort()),
    },
    dir,
  );
  const running = child;
  const warning = await eventually(
    () =>
      running
        .stdout()
        .split('\n')
        .find((l) => l.includes('控制台还没有用户')),
    60_000,
    `the warning\n${running.stdout()}\n${running.stderr()}`,
  );
  const entry = JSON.parse(warning) as { level: number; msg: string };
  assert.equal(entry.level, 40, 'a warning');
  assert.match(entry.msg, /sms12333 user add --username NAME --role system-admin/);
  assert.equal(await running.kill('SIGTERM'), 0);
});
