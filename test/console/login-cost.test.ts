/**
 * A refused console login costs the same whatever the name (docs/security.md §7): one password
 * check for a known name, an unknown one, and a locked one, so the time taken tells nothing.
 * Counted, not timed: the check is the only costly step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleAuth } from '../../src/console/auth.js';
import type { ConsoleRole } from '../../src/domain/console-roles.js';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { insertUser } from '../../src/store/console-users.js';
import { IdAllocator } from '../../src/store/ids.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: locked, unknown and known names each cost one password check`, async (t) => {
    const store = await openTestStore(dialect);
    t.after(() => store.drop());
    const now = Date.UTC(2026, 10, 28, 2);
    await insertUser(
      store.db,
      new IdAllocator(store.db, 10),
      {
        username: 'op1',
        passwordHash: await hashPassword('Right-pass-1'),
        roles: ['operator'],
        mustChangePassword: false,
      },
      now,
    );
    let checks = 0;
    const auth = new ConsoleAuth(
      store.db,
      createPersonalDataCipher(Buffer.alloc(32, 9)),
      {
        idleMinutes: 15,
        lockout: { failures: 3, windowMinutes: 15, lockMinutes: 30 },
        passwordMaxAgeDays: 90,
        requireTotpFor: [] as ConsoleRole[],
      },
      () => now,
      (stored, password) => {
        checks += 1;
        return verifyPassword(stored, password);
      },
    );
    const cost = async (username: string, password = 'wrong') => {
      const before = checks;
      const result = await auth.login(username, password, undefined, '10.0.0.1');
      return { reason: result.ok ? 'ok' : result.reason, checks: checks - before };
    };
    for (const name of ['op1', 'nobody'])
      for (let i = 0; i < 3; i += 1) assert.equal((await cost(name)).checks, 1);
    assert.deepEqual(await cost('op1'), { reason: 'locked', checks: 1 });
    assert.deepEqual(await cost('op1', 'Right-pass-1'), { reason: 'locked', checks: 1 });
    assert.deepEqual(await cost('nobody'), { reason: 'locked', checks: 1 });
  });
}
