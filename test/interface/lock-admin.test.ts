/**
 * Interface password locks lifted by an administrator (docs/security.md §2), on SQLite and
 * PostgreSQL: five wrong passwords lock the account from that address only; the console lists the
 * lock and lifts it (`app.manage`, audited `app.unlock`), and so do `sms12333 app locks` and
 * `app unlock` on the same database; the right password then works again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/bench/processes.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform, TEST_DATA_KEY } from '../helpers/platform.js';

interface Locks {
  locks: { appId: number; appName: string; source: string; attempts: number }[];
}

for (const dialect of DIALECTS) {
  test(`${dialect}: an administrator lists and lifts interface locks in the console and the CLI`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const tp = await startTestPlatform(dialect, {
      databaseUrl: target.url,
      config: { console: { enabled: true, port: 0 } },
      app: { ipWhitelist: ['10.0.0.0/8'] },
    });
    t.after(() => tp.close());
    const balance = (password: string, remoteAddress: string) =>
      tp.post('/api/sms/balance', { appName: tp.appName, password }, { remoteAddress });
    const lockFrom = async (address: string) => {
      for (let i = 0; i < 5; i++) assert.equal((await balance(`wrong-${i}`, address)).json.code, 8);
      assert.equal((await balance(tp.password, address)).json.code, 8, 'locked: the right password too');
    };

    await lockFrom('10.0.0.9');
    assert.equal((await balance(tp.password, '10.0.0.10')).json.code, 1, 'another address is not locked out');
    const admin = await consoleLogin(
      tp.platform.consoleUrl ?? '',
      await addConsoleUser(tp.platform, 'lock.admin', ['system-admin'], { totp: true }),
    );
    const listed = await admin.get<Locks>('apps/locks');
    assert.deepEqual(
      listed.json.locks.map((l) => [l.appName, l.source]),
      [[tp.appName, '10.0.0.9']],
    );
    assert.ok((listed.json.locks[0]?.attempts ?? 0) >= 5);
    const unlockedBy = async () =>
      (await searchAudit(tp.platform.handle.db, { actionContains: 'app.unlock' }, 0, 10)).map((e) => e.actor);
    const appId = listed.json.locks[0]?.appId ?? -1;
    const lifted = await admin.post(`apps/${appId}/unlock`, { source: '10.0.0.9' });
    assert.deepEqual(lifted.json, { lifted: 1 });
    assert.deepEqual((await admin.get<Locks>('apps/locks')).json.locks, []);
    assert.deepEqual(await unlockedBy(), ['lock.admin']);
    // The interface reads a lifted lock within a second.
    await eventually(
      async () => ((await balance(tp.password, '10.0.0.9')).json.code === 1 ? true : undefined),
      5000,
    );

    // The same from the command line, on the platform's database (PostgreSQL only: the CLI runs the
    // same store calls the console does, and each spawned process costs seconds).
    if (dialect === 'sqlite') return;
    await lockFrom('10.0.0.11');
    const env = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY };
    const cli = async (args: string[]) => {
      const child = runCli(args, env);
      return { code: await child.exited, stdout: child.stdout(), stderr: child.stderr() };
    };
    const locks = await cli(['app', 'locks']);
    assert.equal(locks.code, 0, locks.stderr);
    assert.match(
      locks.stdout,
      new RegExp(`${tp.appName}\\t10\\.0\\.0\\.11\\t锁定至 until .*\\t\\d+ 次 attempts`),
    );
    const unlock = await cli(['app', 'unlock', '--name', tp.appName]);
    assert.equal(unlock.code, 0, unlock.stderr);
    assert.match(unlock.stdout, /已解除 lifted 1 个锁定/);
    await eventually(
      async () => ((await balance(tp.password, '10.0.0.11')).json.code === 1 ? true : undefined),
      5000,
    );

    assert.deepEqual(await unlockedBy(), ['cli', 'lock.admin'], 'audited, newest first');
  });
}
