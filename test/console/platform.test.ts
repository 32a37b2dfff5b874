/** The platform starts the console listener when console.enabled, and stops it on close. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword } from '../../src/security/passwords.js';
import { insertUser } from '../../src/store/console-users.js';
import { startTestPlatform } from '../helpers/platform.js';

test('console listener: login over a real socket', async (t) => {
  const h = await startTestPlatform('sqlite', { config: { console: { enabled: true, port: 0 } } });
  t.after(() => h.close());
  const { consoleUrl, handle, ids } = h.platform;
  assert.ok(consoleUrl?.startsWith('http://127.0.0.1:'));
  await insertUser(
    handle.db,
    ids,
    {
      username: 'op',
      passwordHash: await hashPassword('Operat0r-pass'),
      roles: ['operator'],
      mustChangePassword: false,
    },
    Date.now(),
  );
  const res = await fetch(`${consoleUrl}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'op', password: 'Operat0r-pass' }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly; SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/, 'plain HTTP without secureCookie');
  const me = await fetch(`${consoleUrl}/console/api/me`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
  assert.equal(me.status, 200);
});
