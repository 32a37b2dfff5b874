/**
 * SFTP logins under the interface's lock rules, each written to the interface access log
 * (docs/sftp.md "Logging in"), on SQLite and PostgreSQL: wrong SFTP passwords lock SFTP password
 * logins from that address — the right password is then refused too, the interface password is not
 * locked, the lock is listed with its channel and lifted like an interface lock; a key logs in; an
 * unregistered key, an unknown account and an address outside the whitelist are refused; every
 * outcome is one access-log row with path `sftp:password` or `sftp:publickey` and the interface's code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import type { AccessEntry } from '../../src/store/access-log.js';
import { liftInterfaceLocks, listInterfaceLocks, lockedUntil } from '../../src/store/interface-locks.js';
import { setSftpCredentials } from '../../src/store/sftp.js';
import { createTestApp, TEST_PASSWORD, TEST_PASSWORD_HASH } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';
import { openTestListener, sshLogin } from '../helpers/sftp.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: wrong SFTP passwords lock like the interface's; every login is in the access log`, async (t) => {
    const store = await openTestStore(dialect);
    const { db } = store;
    const app = await createTestApp(db, 'hrss');
    await createTestApp(db, 'far', { ipWhitelist: ['10.0.0.0/8'] });
    const far = await db.selectFrom('apps').select('id').where('name', '=', 'far').executeTakeFirstOrThrow();
    const key = ssh2.utils.generateKeyPairSync('ed25519');
    const stranger = ssh2.utils.generateKeyPairSync('ed25519');
    await setSftpCredentials(
      db,
      app.id,
      { passwordHash: TEST_PASSWORD_HASH, publicKeys: [key.public] },
      Date.now(),
    );
    await setSftpCredentials(db, far.id, { passwordHash: TEST_PASSWORD_HASH }, Date.now());
    const log: AccessEntry[] = [];
    const listener = await openTestListener(
      db,
      { failureLimit: 3, failureWindowMs: 600_000, lockMs: 600_000 },
      { record: (e) => log.push(e) },
    );
    const { port } = listener;
    t.after(async () => {
      await listener.close();
      await store.drop();
    });
    const rows = async (n: number) =>
      (await eventually(() => (log.length >= n ? log.slice() : undefined), 10_000, `${n} log rows`)).map(
        (e) => [e.app_name, e.path, e.code, e.source_ip],
      );

    assert.equal(await sshLogin(port, { username: 'hrss', password: TEST_PASSWORD }), true);
    assert.equal(await sshLogin(port, { username: 'hrss', privateKey: key.private }), true);
    assert.deepEqual(await rows(2), [
      ['hrss', 'sftp:password', 1, '127.0.0.1'],
      ['hrss', 'sftp:publickey', 1, '127.0.0.1'],
    ]);

    // The third wrong password locks; the right one is then refused as well.
    for (let i = 0; i < 3; i++)
      assert.equal(await sshLogin(port, { username: 'hrss', password: 'wrong-one' }), false);
    assert.equal(await sshLogin(port, { username: 'hrss', password: TEST_PASSWORD }), false);
    const locked = log.slice(2);
    assert.deepEqual(
      locked.map((e) => [e.path, e.code]),
      [
        ['sftp:password', 8],
        ['sftp:password', 8],
        ['sftp:password', 8],
        ['sftp:password', 8],
      ],
    );
    assert.doesNotMatch(locked[1]?.msg ?? '', /锁定/);
    assert.match(locked[2]?.msg ?? '', /错误次数过多，已锁定至 \d\d:\d\d:\d\d/);
    assert.match(locked[3]?.msg ?? '', /已锁定至/);
    assert.ok(
      log.every((e) => !JSON.stringify(e).includes(TEST_PASSWORD)),
      'no password in the log',
    );

    // Listed with its channel beside interface locks (the refused right password counted too, as on
    // the interface); the interface password is not locked.
    const locks = await listInterfaceLocks(db, Date.now());
    assert.deepEqual(
      locks.map((l) => [l.appName, l.channel, l.source, l.attempts]),
      [['hrss', 'sftp', '127.0.0.1', 4]],
    );
    assert.equal(await lockedUntil(db, { appId: app.id, source: '127.0.0.1' }, Date.now()), 0);
    // A key cannot be guessed: key logins from the address go on.
    assert.equal(await sshLogin(port, { username: 'hrss', privateKey: key.private }), true);
    assert.equal(await liftInterfaceLocks(db, app.id, '127.0.0.1'), 1);
    assert.equal(await sshLogin(port, { username: 'hrss', password: TEST_PASSWORD }), true);

    // Refusals that are not password guesses are written once per connection.
    log.length = 0;
    assert.equal(await sshLogin(port, { username: 'hrss', privateKey: stranger.private }), false);
    assert.equal(await sshLogin(port, { username: 'nobody', password: TEST_PASSWORD }), false);
    assert.equal(await sshLogin(port, { username: 'far', password: TEST_PASSWORD }), false);
    const refusals = await eventually(() => (log.length >= 3 ? log.slice() : undefined), 10_000, 'refusals');
    const byName = new Map(refusals.map((e) => [e.app_name, e]));
    assert.equal(refusals.length, 3);
    assert.deepEqual(
      ['hrss', 'nobody', 'far'].map((n) => [byName.get(n)?.path, byName.get(n)?.code]),
      [
        ['sftp:publickey', 8],
        ['sftp:password', 6],
        ['sftp:password', 5],
      ],
    );
    assert.match(byName.get('hrss')?.msg ?? '', /公钥未登记/);
    assert.match(byName.get('far')?.msg ?? '', /127\.0\.0\.1 不在白名单内/);
  });
}
