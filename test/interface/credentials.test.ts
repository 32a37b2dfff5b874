import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Credentials } from '../../src/interface/credentials.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const settings = {
  cacheMs: 1000,
  failureLimit: 3,
  failureWindowMs: 60_000,
  lockMs: 300_000,
  openWhenWhitelistEmpty: false,
};

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
      Array.from({ length: 20 }, () => creds.checkPassword(found.app, TEST_PASSWORD)),
    );
    assert.ok(results.every((r) => r.ok));
    for (let i = 0; i < 100; i++)
      assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD), { ok: true });
    assert.equal(checks, 1, 'concurrent first requests share one check; later ones compare a keyed HMAC');

    // Wrong passwords lock the account after the limit; while locked, argon2 is not even run.
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-1'), { ok: false, lockedUntil: null });
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-2'), { ok: false, lockedUntil: null });
    assert.deepEqual(await creds.checkPassword(found.app, 'nope-3'), {
      ok: false,
      lockedUntil: clock + 300_000,
    });
    const before = checks;
    assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD), {
      ok: false,
      lockedUntil: clock + 300_000,
    });
    assert.equal(checks, before);
    clock += 300_001;
    assert.deepEqual(await creds.checkPassword(found.app, TEST_PASSWORD), { ok: true });

    // A changed password hash invalidates what was proven.
    const changed = {
      ...found.app,
      passwordHash:
        '$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    assert.equal((await creds.checkPassword(changed, TEST_PASSWORD)).ok, false);
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
