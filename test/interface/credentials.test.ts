import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Credentials } from '../../src/interface/credentials.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { liftInterfaceLocks, listInterfaceLocks } from '../../src/store/interface-locks.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const settings = {
  cacheMs: 1000,
  failureLimit: 3,
  failureWindowMs: 60_000,
  lockMs: 300_000,
  openWhenWhitelistEmpty: false,
  defaultSignature: '【12333】',
};
const HOST = '10.1.1.1';

for (const dialect of DIALECTS) {
  test(`${dialect}: a proven password costs one argon2 check, not one per request`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    await createTestApp(store.db, 'hrss');
    let checks = 0;
    let clock = 1_000_000;
    const creds = new Credentials(
      store.db,
      settings,
      () => clock,
      (stored, pw) => {
        checks++;
        return verifyPassword(stored, pw);
      },
    );
    const found = await creds.findApp('hrss');
    assert.ok(found);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => creds.checkPassword(found.app, TEST_PASSWORD, HOST)),
    );
    assert.ok(results.every((r) => r.ok));
    for (let i = 0; i < 100; i++)
      assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD, HOST), { ok: true });
    assert.equal(checks, 1, 'concurrent first requests share one check; later ones compare a keyed HMAC');

    // Wrong passwords lock the account after the limit; while locked, argon2 is not even run.
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-1', HOST), { ok: false, lockedUntil: null });
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-2', HOST), { ok: false, lockedUntil: null });
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-3', HOST), {
      ok: false,
      lockedUntil: clock + 300_000,
    });
    const before = checks;
    assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD, HOST), {
      ok: false,
      lockedUntil: clock + 300_000,
    });
    assert.equal(checks, before);
    clock += 300_001;
    assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD, HOST), { ok: true });

    // A changed password hash invalidates what was proven.
    const changed = {
      ...found.app,
      passwordHash:
        '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    assert.equal((await creds.checkPassword(changed, TEST_PASSWORD, HOST)).ok, false);
  });
}

test('whitelists: CIDR blocks, and an empty list admits nobody unless configured open', async (t) => {
  const store = await openTestStore('sqlite');
  t.after(() => store.drop());
  await createTestApp(store.db, 'listed', { ipWhitelist: ['10.1.0.0/16'] });
  await createTestApp(store.db, 'empty', { ipWhitelist: [] });
  const closed = new Credentials(store.db, settings);
  const open = new Credentials(store.db, { ...settings, openWhenWhitelistEmpty: true });
  const listed = await closed.findApp('listed');
  const empty = await closed.findApp('empty');
  assert.ok(listed && empty);
  assert.equal(closed.ipAllowed(listed.blocks, '10.1.200.3'), true);
  assert.equal(closed.ipAllowed(listed.blocks, '10.2.0.1'), false);
  assert.equal(closed.ipAllowed(empty.blocks, '127.0.0.1'), false);
  assert.equal(open.ipAllowed(empty.blocks, '127.0.0.1'), true);
  assert.equal(await closed.findApp('nobody'), null);
});

for (const dialect of DIALECTS) {
  test(`${dialect}: concurrent guesses get at most the limit of checks; locks are per address, stored and liftable`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    await createTestApp(store.db, 'hrss');
    const checked: string[] = [];
    const make = () =>
      new Credentials(store.db, { ...settings, failureLimit: 5 }, Date.now, (stored, pw) => {
        checked.push(pw);
        return verifyPassword(stored, pw);
      });
    const creds = make();
    const found = await creds.findApp('hrss');
    assert.ok(found);
    // The right password 8th among 20 sent at once.
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 7 ? TEST_PASSWORD : `wrong-${i}`));
    const verdicts = await Promise.all(guesses.map((pw) => creds.checkPassword(found.app, pw, HOST)));
    assert.equal(checked.length, 5, 'no more than the limit reach argon2');
    assert.equal(verdicts[7]!.ok, checked.includes(TEST_PASSWORD));
    assert.equal(verdicts.filter((v) => v.ok).length, checked.includes(TEST_PASSWORD) ? 1 : 0);

    // The lock is in the database: a fresh process (no memory) still refuses the address.
    const restarted = make();
    const before = checked.length;
    const again = await restarted.checkPassword(found.app, TEST_PASSWORD, HOST);
    assert.ok(!again.ok && again.lockedUntil !== null && again.lockedUntil > Date.now());
    assert.equal(checked.length, before, 'a locked address costs no argon2');
    // Another address of the same account is not locked out.
    assert.deepEqual(await restarted.checkPassword(found.app, TEST_PASSWORD, '10.1.1.2'), { ok: true });

    const locks = await listInterfaceLocks(store.db, Date.now());
    assert.deepEqual(
      locks.map((l) => [l.appName, l.source]),
      [['hrss', HOST]],
    );
    assert.equal(await liftInterfaceLocks(store.db, found.app.id, HOST), 1);
    restarted.forgetLocks(found.app.id);
    assert.deepEqual(await restarted.checkPassword(found.app, TEST_PASSWORD, HOST), { ok: true });
    assert.deepEqual(await listInterfaceLocks(store.db, Date.now()), []);
  });
}
