/**
 * Appendix A, code by code and in check order, through the real interface on a real platform.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

const CN70 = '社'.repeat(70);

for (const dialect of DIALECTS) {
  test(`${dialect}: Appendix A codes in the stated order`, async (t) => {
    const tp = await startTestPlatform(dialect, { app: { balance: 10_000, signature: '【人社局】' } });
    t.after(() => tp.close());
    const base: Record<string, unknown> = {
      appName: tp.appName,
      password: tp.password,
      mobiles: '13800138000',
      content: '测试通知',
    };
    const send = (body: Record<string, unknown>, remoteAddress?: string) =>
      tp.post('/api/sms/send', body, remoteAddress ? { remoteAddress } : {});
    const code = async (body: Record<string, unknown>, remoteAddress?: string) =>
      (await send(body, remoteAddress)).json.code;

    await t.test('-1 for each missing or empty required field', async () => {
      for (const field of ['appName', 'password', 'mobiles', 'content']) {
        const { [field]: _drop, ...rest } = base;
        const r = await send(rest);
        assert.equal(r.status, 200);
        assert.equal(r.json.code, -1, field);
        assert.equal(r.json.field, field);
        assert.equal(await code({ ...base, [field]: '' }), -1, `${field} empty`);
      }
      assert.equal(await code({ ...base, mobiles: [] }), -1);
      // Missing credentials beat every other problem.
      assert.equal(await code({ appName: 'nobody', mobiles: 'bad' }), -1);
    });

    await t.test('6 for unknown, frozen or disabled accounts', async () => {
      assert.equal(await code({ ...base, appName: 'nobody' }), 6);
      await createTestApp(tp.platform.handle.db, 'frozen', { status: 'frozen' });
      await createTestApp(tp.platform.handle.db, 'disabled', { status: 'disabled' });
      assert.equal(await code({ ...base, appName: 'frozen' }), 6);
      assert.equal(await code({ ...base, appName: 'disabled' }), 6);
      // 6 comes before 5 and 8 for an address some account lists.
      await createTestApp(tp.platform.handle.db, 'elsewhere', { ipWhitelist: ['10.9.0.0/16'] });
      tp.platform.credentials.invalidate('elsewhere');
      assert.equal(await code({ ...base, appName: 'nobody', password: 'wrong' }, '10.9.9.9'), 6);
      // An address no account lists is answered 5 before the body is read (docs/security.md §1).
      assert.equal(await code({ ...base, appName: 'nobody', password: 'wrong' }, '10.8.9.9'), 5);
    });

    await t.test('5 for an address outside the whitelist, before the password is looked at', async () => {
      assert.equal(await code(base, '10.9.9.9'), 5);
      assert.equal(await code({ ...base, password: 'wrong' }, '10.9.9.9'), 5);
      assert.equal(await code(base, '::ffff:127.0.0.1'), 1, 'IPv4-mapped loopback is loopback');
      await createTestApp(tp.platform.handle.db, 'nolist', { ipWhitelist: [] });
      assert.equal(await code({ ...base, appName: 'nolist' }), 5, 'an empty whitelist admits nobody');
    });

    await t.test('2 for each malformed field, naming it', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ mobiles: '1380013800' }, 'mobiles'],
        [{ mobiles: '23800138000' }, 'mobiles'],
        [{ mobiles: '13800138000,abc' }, 'mobiles'],
        [
          { mobiles: Array.from({ length: 1001 }, (_, i) => `1380000${String(i).padStart(4, '0')}`) },
          'mobiles',
        ],
        [{ sendTime: '2026-13-01 10:00:00' }, 'sendTime'],
        [{ sendTime: '20260230100000' }, 'sendTime'],
        [{ sendTime: 'tomorrow' }, 'sendTime'],
        [{ sendTime: '20991231235959' }, 'sendTime'],
        [{ extCode: '12a' }, 'extCode'],
        [{ extCode: '1234567890123' }, 'extCode'],
        [{ category: 'spam' }, 'category'],
        [{ clientMsgId: 'x'.repeat(65) }, 'clientMsgId'],
        [{ templateId: '999', content: undefined }, 'templateId'],
        [{ appName: { a: 1 } }, 'appName'],
        [{ content: '【别的签名】你好' }, 'content'],
      ];
      for (const [patch, field] of cases) {
        const r = await send({ ...base, ...patch });
        assert.equal(r.json.code, 2, JSON.stringify(patch));
        assert.equal(r.json.field, field, JSON.stringify(patch));
        assert.match(String(r.json.msg), /^请求参数格式错误：/);
      }
      // 2 comes before 7 and 9.
      assert.equal(await code({ ...base, mobiles: 'bad', islong: 'x', content: CN70 }), 2);
    });

    await t.test('7 for islong other than 0/1, before 9', async () => {
      for (const islong of ['2', 'yes', -1, 'true'])
        assert.equal(await code({ ...base, islong }), 7, String(islong));
      assert.equal(await code({ ...base, islong: '2', content: CN70 }), 7);
      assert.equal(await code({ ...base, islong: 0 }), 1);
      assert.equal(await code({ ...base, islong: '1' }), 1);
    });

    await t.test('9 when signature + content exceed one SMS (islong=0) or the long maximum', async () => {
      // 【人社局】 is 5 characters: 65 more fit one UCS-2 SMS, 66 do not.
      assert.equal(await code({ ...base, content: '社'.repeat(65) }), 1);
      const r = await send({ ...base, content: '社'.repeat(66) });
      assert.equal(r.json.code, 9);
      assert.equal(await code({ ...base, content: '社'.repeat(66), islong: 1 }), 1);
      // 10 segments of 67 hold 670 units; 671 need 11.
      assert.equal(await code({ ...base, content: '社'.repeat(665), islong: 1 }), 1);
      assert.equal(await code({ ...base, content: '社'.repeat(666), islong: 1 }), 9);
      // 9 comes before 3.
      await createTestApp(tp.platform.handle.db, 'poor', { balance: 0 });
      assert.equal(await code({ ...base, appName: 'poor', content: CN70 }), 9);
    });

    await t.test('3 when the balance is short, and nothing is queued', async () => {
      await createTestApp(tp.platform.handle.db, 'small', { balance: 1 });
      const before = await tp.platform.handle.db.selectFrom('messages').select('id').execute();
      const r = await send({ ...base, appName: 'small', mobiles: '13800138000,13900139000' });
      assert.equal(r.json.code, 3);
      const after = await tp.platform.handle.db.selectFrom('messages').select('id').execute();
      assert.equal(after.length, before.length);
      assert.equal(
        (await tp.post('/api/sms/balance', { appName: 'small', password: tp.password })).json.balance,
        1,
      );
    });

    await t.test('8 for a wrong password, and a lock after repeated failures', async () => {
      await createTestApp(tp.platform.handle.db, 'locky');
      assert.equal(await code({ ...base, appName: 'locky', password: 'wrong' }), 8);
      for (let i = 0; i < 4; i++) await code({ ...base, appName: 'locky', password: `wrong${i}` });
      const locked = await send({ ...base, appName: 'locky' });
      assert.equal(locked.json.code, 8, 'the right password is refused while locked');
      assert.match(String(locked.json.msg), /锁定/);
      assert.equal(await code(base), 1, 'other accounts are unaffected');
    });
  });
}

test('transport errors get a code, never a 500 page', async (t) => {
  const tp = await startTestPlatform('sqlite', {
    config: { interface: { host: '127.0.0.1', port: 0, bodyLimit: 4096 } },
  });
  t.after(() => tp.close());
  const post = (payload: string, type = 'application/json') =>
    fetch(`${tp.url}/api/sms/send`, { method: 'POST', headers: { 'content-type': type }, body: payload });
  let r = await post('{"appName":');
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), {
    code: 2,
    msg: '请求参数格式错误：请求体不是合法的 JSON',
    field: 'body',
  });
  r = await post('');
  assert.equal(((await r.json()) as { code: number }).code, -1);
  r = await post(JSON.stringify({ appName: 'x'.repeat(5000) }));
  assert.equal(r.status, 413);
  assert.equal(((await r.json()) as { code: number }).code, 2);
  r = await post('<xml/>', 'application/xml');
  assert.equal(r.status, 415);
  assert.equal(((await r.json()) as { code: number }).code, 2);
  r = await post('[1,2]');
  assert.equal(((await r.json()) as { code: number }).code, 2);
  r = await fetch(`${tp.url}/api/nothing`);
  assert.equal(r.status, 404);
  assert.equal(((await r.json()) as { code: number }).code, 11);
  const doc = (await (await fetch(`${tp.url}/api/openapi.json`)).json()) as {
    openapi: string;
    paths: Record<string, unknown>;
  };
  assert.equal(doc.openapi, '3.0.3');
  assert.ok(doc.paths['/api/sms/send'] && doc.paths['/api/sms/reports'] && doc.paths['/api/sms/balance']);
});
