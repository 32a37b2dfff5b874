/** Console login and sessions over app.inject, on SQLite and PostgreSQL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { deriveAuditKey } from '../../src/audit/log.js';
import { buildConsole, SESSION_COOKIE } from '../../src/console/server.js';
import type { ConsoleRole } from '../../src/domain/console-roles.js';
import { hashPassword } from '../../src/security/passwords.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { insertUser } from '../../src/store/console-users.js';
import { IdAllocator } from '../../src/store/ids.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';

const MINUTE = 60_000;
const SETTINGS = {
  idleMinutes: 15,
  lockout: { failures: 5, windowMinutes: 15, lockMinutes: 30 },
  passwordMaxAgeDays: 90,
  requireTotpFor: ['system-admin', 'security-admin', 'auditor'] as ConsoleRole[],
};

/** RFC 6238 written out again here, apart from src/security/totp.ts. */
function independentTotp(base32: string, ms: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[19]! & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function setup(dialect: (typeof DIALECTS)[number]) {
  const store = await openTestStore(dialect);
  const clock = { now: Date.UTC(2026, 10, 28, 2, 0, 0) };
  const cipher = createPersonalDataCipher(Buffer.alloc(32, 9));
  const app: FastifyInstance = buildConsole(
    {
      handle: store,
      cipher,
      settings: SETTINGS,
      auditKey: deriveAuditKey(Buffer.alloc(32, 9)),
      now: () => clock.now,
    },
    { secureCookie: true },
  );
  const ids = new IdAllocator(store.db, 10);
  const addUser = async (username: string, password: string, roles: ConsoleRole[], mustChange = false) =>
    insertUser(
      store.db,
      ids,
      { username, passwordHash: await hashPassword(password), roles, mustChangePassword: mustChange },
      clock.now,
    );
  return {
    app,
    clock,
    store,
    addUser,
    close: async () => {
      await app.close();
      await store.drop();
    },
  };
}

interface Session {
  cookie: string;
  csrf: string;
}

function sessionOf(res: LightMyRequestResponse): Session {
  const setCookie = String(res.headers['set-cookie']);
  const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie);
  assert.ok(m, setCookie);
  return { cookie: `${SESSION_COOKIE}=${m[1]}`, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

const login = (app: FastifyInstance, body: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/console/api/login', payload: body });

const call = (
  app: FastifyInstance,
  s: Session,
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
  csrf = true,
) =>
  app.inject({
    method,
    url,
    headers: { cookie: s.cookie, ...(csrf && { 'x-csrf-token': s.csrf }) },
    ...(payload && { payload }),
  });

for (const dialect of DIALECTS) {
  test(`${dialect}: login, cookie flags, me, CSRF, logout`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('wang', 'Operat0r-pass', ['operator']);
    const ok = await login(h.app, { username: 'wang', password: 'Operat0r-pass' });
    assert.equal(ok.statusCode, 200, ok.body);
    const cookie = String(ok.headers['set-cookie']);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/console'])
      assert.ok(cookie.includes(flag), flag);
    const s = sessionOf(ok);
    const me = await call(h.app, s, 'GET', '/console/api/me', undefined, false);
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json<{ user: { roles: string[] } }>().user.roles, ['operator']);

    const noCsrf = await call(h.app, s, 'POST', '/console/api/logout', undefined, false);
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json<{ code: string }>().code, 'CSRF');
    const badCsrf = await h.app.inject({
      method: 'POST',
      url: '/console/api/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    assert.equal(badCsrf.statusCode, 403);
    assert.equal((await call(h.app, s, 'POST', '/console/api/logout')).statusCode, 200);
    assert.equal((await call(h.app, s, 'GET', '/console/api/me')).statusCode, 401);
    assert.equal((await h.app.inject({ method: 'GET', url: '/console/api/me' })).statusCode, 401);
  });

  test(`${dialect}: unknown user and wrong password answer alike; lockout after 5 with the unlock time`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('li', 'Rev1ewer-pass', ['reviewer']);
    const wrong = await login(h.app, { username: 'li', password: 'nope' });
    const unknown = await login(h.app, { username: 'nobody', password: 'nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.statusCode, unknown.statusCode);
    assert.deepEqual(wrong.json(), unknown.json());

    for (let i = 2; i <= 4; i++)
      assert.equal((await login(h.app, { username: 'li', password: 'nope' })).statusCode, 401);
    const fifth = await login(h.app, { username: 'li', password: 'nope' });
    assert.equal(fifth.statusCode, 423);
    const body = fifth.json<{ code: string; message: string; unlockAt: string }>();
    assert.equal(body.code, 'LOCKED');
    assert.equal(body.unlockAt, new Date(h.clock.now + 30 * MINUTE).toISOString());
    assert.match(body.message, /2026-11-28 10:30:00/, 'Beijing time');
    // Even the right password waits for the lock to end.
    assert.equal((await login(h.app, { username: 'li', password: 'Rev1ewer-pass' })).statusCode, 423);
    h.clock.now += 30 * MINUTE;
    assert.equal((await login(h.app, { username: 'li', password: 'Rev1ewer-pass' })).statusCode, 200);
    // A name that does not exist locks the same way, so lockout reveals no names either.
    for (let i = 1; i <= 4; i++)
      assert.equal((await login(h.app, { username: 'ghost', password: 'x' })).statusCode, 401);
    const ghost = await login(h.app, { username: 'ghost', password: 'x' });
    assert.equal(ghost.statusCode, 423);
    assert.equal(
      ghost.json<{ unlockAt: string }>().unlockAt,
      new Date(h.clock.now + 30 * MINUTE).toISOString(),
    );
  });

  test(`${dialect}: failures outside the window do not add up`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('zhao', 'Handler-pass1', ['case-handler']);
    for (let i = 0; i < 4; i++) await login(h.app, { username: 'zhao', password: 'x' });
    h.clock.now += 16 * MINUTE;
    assert.equal((await login(h.app, { username: 'zhao', password: 'x' })).statusCode, 401);
  });

  test(`${dialect}: must change password first; the policy applies`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('chen', 'Initial-Pass1', ['operator'], true);
    const res = await login(h.app, { username: 'chen', password: 'Initial-Pass1' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json<{ user: { mustChangePassword: boolean } }>().user.mustChangePassword, true);
    const s = sessionOf(res);
    const blocked = await call(h.app, s, 'GET', '/console/api/roles');
    assert.equal(blocked.statusCode, 403);
    assert.equal(blocked.json<{ code: string }>().code, 'PASSWORD_CHANGE_REQUIRED');
    const weak = await call(h.app, s, 'POST', '/console/api/password', {
      currentPassword: 'Initial-Pass1',
      newPassword: 'abcdefgh',
    });
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json<{ code: string }>().code, 'PASSWORD_POLICY');
    const withName = await call(h.app, s, 'POST', '/console/api/password', {
      currentPassword: 'Initial-Pass1',
      newPassword: 'Chen-2026-pw',
    });
    assert.deepEqual(withName.json<{ problems: string[] }>().problems, ['contains-username']);
    const good = await call(h.app, s, 'POST', '/console/api/password', {
      currentPassword: 'Initial-Pass1',
      newPassword: 'Better-Pass-26',
    });
    assert.equal(good.statusCode, 200, good.body);
    assert.equal((await call(h.app, s, 'GET', '/console/api/roles')).statusCode, 200);
    // An expired password sends the user back to the change step.
    h.clock.now += 91 * 86_400_000;
    const later = sessionOf(await login(h.app, { username: 'chen', password: 'Better-Pass-26' }));
    assert.equal((await call(h.app, later, 'GET', '/console/api/roles')).statusCode, 403);
  });

  test(`${dialect}: administrators enrol TOTP, then need it to log in`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('sec', 'Secur1ty-pass', ['security-admin']);
    const first = sessionOf(await login(h.app, { username: 'sec', password: 'Secur1ty-pass' }));
    const gated = await call(h.app, first, 'GET', '/console/api/users');
    assert.equal(gated.json<{ code: string }>().code, 'TOTP_ENROL_REQUIRED');
    const enrol = await call(h.app, first, 'POST', '/console/api/totp/enrol');
    assert.equal(enrol.statusCode, 200, enrol.body);
    const { otpauthUri } = enrol.json<{ otpauthUri: string }>();
    const secret = new URL(otpauthUri).searchParams.get('secret')!;
    assert.match(otpauthUri, /^otpauth:\/\/totp\/sms12333%3Asec\?/);
    assert.equal(
      (
        await call(h.app, first, 'POST', '/console/api/totp/confirm', {
          code: '000000' === independentTotp(secret, h.clock.now) ? '111111' : '000000',
        })
      ).statusCode,
      400,
    );
    const confirm = await call(h.app, first, 'POST', '/console/api/totp/confirm', {
      code: independentTotp(secret, h.clock.now),
    });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.equal((await call(h.app, first, 'GET', '/console/api/users')).statusCode, 200);
    assert.equal(
      (await call(h.app, first, 'POST', '/console/api/totp/enrol')).statusCode,
      409,
      'the URI is shown once',
    );

    const noCode = await login(h.app, { username: 'sec', password: 'Secur1ty-pass' });
    assert.equal(noCode.statusCode, 401);
    assert.equal(noCode.json<{ code: string }>().code, 'TOTP_REQUIRED');
    const badCode = await login(h.app, {
      username: 'sec',
      password: 'Secur1ty-pass',
      totp: independentTotp(secret, h.clock.now + 5 * MINUTE),
    });
    assert.equal(badCode.json<{ code: string }>().code, 'LOGIN_FAILED');
    const drift = await login(h.app, {
      username: 'sec',
      password: 'Secur1ty-pass',
      totp: independentTotp(secret, h.clock.now - 30_000),
    });
    assert.equal(drift.statusCode, 200, drift.body);
    // A wrong password with TOTP still gives only the generic answer.
    const wrongPw = await login(h.app, { username: 'sec', password: 'nope' });
    assert.equal(wrongPw.json<{ code: string }>().code, 'LOGIN_FAILED');
  });

  test(`${dialect}: roles are checked on the server; idle sessions end`, async (t) => {
    const h = await setup(dialect);
    t.after(() => h.close());
    await h.addUser('op', 'Operat0r-pass', ['operator']);
    const s = sessionOf(await login(h.app, { username: 'op', password: 'Operat0r-pass' }));
    const denied = await call(h.app, s, 'GET', '/console/api/users');
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json<{ code: string }>().code, 'FORBIDDEN');
    h.clock.now += 14 * MINUTE;
    assert.equal(
      (await call(h.app, s, 'GET', '/console/api/me')).statusCode,
      200,
      'activity extends the session',
    );
    h.clock.now += 14 * MINUTE;
    assert.equal((await call(h.app, s, 'GET', '/console/api/me')).statusCode, 200);
    h.clock.now += 15 * MINUTE;
    const expired = await call(h.app, s, 'GET', '/console/api/me');
    assert.equal(expired.statusCode, 401);
    assert.equal(expired.json<{ code: string }>().code, 'UNAUTHENTICATED');
  });
}
