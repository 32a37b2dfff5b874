/**
 * Verification codes end to end (docs/design.md §4.3): over the interface, through admission and a real
 * CMPP simulator to the handset, whose inbox is where the test learns the code — the platform
 * never tells it. The platform's clock is the test's, so expiry, cool-down and the Beijing day
 * are reached without sleeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { nextBeijingDay, otpSecretsFrom } from '../../src/pipeline/otp.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { sealedOtpTexts } from '../../src/store/otp.js';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform, TEST_DATA_KEY, type TestPlatform } from '../helpers/platform.js';

const TEXT = /^【人社局】您的验证码为(\d{6})，5分钟内有效。如非本人操作请忽略。$/;

/** The code in the `n`th message (1-based) this handset received. */
async function codeFromInbox(tp: TestPlatform, mobile: string, n = 1): Promise<string> {
  const entry = await eventually(() => tp.sim.inbox(mobile)[n - 1], 20_000, `message ${n} on ${mobile}`);
  const m = TEXT.exec(entry.text);
  assert.ok(m?.[1], `unexpected text ${entry.text}`);
  return m[1];
}

/** Another 6-digit code than `code`. */
const wrong = (code: string, k = 1): string => String((Number(code) + k) % 1_000_000).padStart(6, '0');

for (const dialect of DIALECTS) {
  test(`${dialect}: verification codes are sent, checked once, limited and never stored or logged in clear`, async (t) => {
    let shift = 0;
    const now = (): number => Date.now() + shift;
    const logLines: string[] = [];
    // No redaction here, unlike the production logger: the code must not reach the logger at all.
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    const tp = await startTestPlatform(dialect, {
      app: { balance: 100, signature: '【人社局】', extCode: '01' },
      config: { otp: { dailyCap: 3 } },
      now,
      logger,
    });
    t.after(() => tp.close());
    const db = tp.platform.handle.db;
    const creds = { appName: tp.appName, password: tp.password };
    const send = (mobile: string, scene: string) => tp.post('/api/sms/otp/send', { ...creds, mobile, scene });
    const verify = (mobile: string, scene: string, otp: string) =>
      tp.post('/api/sms/otp/verify', { ...creds, mobile, scene, otp });
    const codes: string[] = [];

    await t.test('send, the handset gets the code, verify consumes it', async () => {
      const sent = await send('+86 138 0013 8000', 'login');
      assert.equal(sent.status, 200);
      assert.equal(sent.json.code, 1, JSON.stringify(sent.json));
      assert.match(String(sent.json.otpId), /^\d+$/);
      assert.equal(sent.json.status, 'QUEUED');
      assert.equal(sent.json.charged, 1);
      assert.equal(sent.json.expiresIn, 300);
      const code = await codeFromInbox(tp, '13800138000');
      codes.push(code);
      assert.ok(!JSON.stringify(sent.json).includes(code), 'the answer does not carry the code');
      assert.equal(tp.sim.inbox('13800138000')[0]?.from, '106571233301', 'sent from the app number');

      assert.deepEqual(
        (await verify('13800138000', 'register', code)).json,
        { code: 1, msg: 'OK', valid: false, reason: 'none' },
        'codes are kept per scene',
      );
      const ok = await verify('8613800138000', 'login', code);
      assert.equal(ok.json.code, 1);
      assert.equal(ok.json.valid, true);
      assert.equal(ok.json.otpId, sent.json.otpId);
      const again = await verify('13800138000', 'login', code);
      assert.equal(again.json.valid, false, 'a verified code is consumed');
      assert.equal(again.json.reason, 'none');
      assert.equal((await tp.post('/api/sms/balance', creds)).json.balance, 99, 'charged like any message');
    });

    await t.test('a wrong code is refused and counted; the right one still works', async () => {
      assert.equal((await send('13800138001', 'login')).json.code, 1);
      const code = await codeFromInbox(tp, '13800138001');
      codes.push(code);
      const bad = await verify('13800138001', 'login', wrong(code));
      assert.deepEqual(bad.json.valid, false);
      assert.equal(bad.json.reason, 'mismatch');
      assert.equal(bad.json.attemptsLeft, 4);
      assert.equal((await verify('13800138001', 'login', code.slice(0, 5))).json.reason, 'mismatch');
      assert.equal((await verify('13800138001', 'login', code)).json.valid, true);
    });

    await t.test('five wrong attempts kill the code', async () => {
      assert.equal((await send('13800138002', 'login')).json.code, 1);
      const code = await codeFromInbox(tp, '13800138002');
      codes.push(code);
      for (let i = 1; i <= 5; i++) {
        const r = await verify('13800138002', 'login', wrong(code, i));
        assert.equal(r.json.reason, 'mismatch');
        assert.equal(r.json.attemptsLeft, 5 - i);
      }
      const late = await verify('13800138002', 'login', code);
      assert.equal(late.json.valid, false, 'dead after five attempts');
      assert.equal(late.json.reason, 'attempts');
      const row = await db
        .selectFrom('otp_codes')
        .select(['status', 'attempts', 'text_enc'])
        .where('mobile', '=', '13800138002')
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'DEAD', attempts: 5, text_enc: null });
    });

    await t.test('a code expires after ttlSeconds', async () => {
      assert.equal((await send('13800138004', 'login')).json.code, 1);
      const code = await codeFromInbox(tp, '13800138004');
      codes.push(code);
      shift += 299_000;
      assert.equal((await verify('13800138004', 'login', wrong(code))).json.reason, 'mismatch');
      shift += 1_000;
      const expired = await verify('13800138004', 'login', code);
      assert.equal(expired.json.valid, false);
      assert.equal(expired.json.reason, 'expired');
    });

    await t.test('resend cool-down per app, number and scene; a new code supersedes the old', async () => {
      assert.equal((await send('13800138003', 'login')).json.code, 1);
      const first = await codeFromInbox(tp, '13800138003');
      codes.push(first);
      shift += 30_000;
      const early = await send('13800138003', 'login');
      assert.equal(early.json.code, 12, JSON.stringify(early.json));
      assert.match(String(early.json.msg), /^发送频率超过限制：.*60 秒内/);
      assert.equal(early.json.retryAfter, 30);
      assert.equal(early.json.otpId, undefined);
      assert.equal((await send('13800138003', 'reset')).json.code, 1, 'another scene is not held back');
      codes.push(await codeFromInbox(tp, '13800138003', 2));

      shift += 30_000;
      const later = await send('13800138003', 'login');
      assert.equal(later.json.code, 1, JSON.stringify(later.json));
      const second = await codeFromInbox(tp, '13800138003', 3);
      codes.push(second);
      if (second !== first) {
        const old = await verify('13800138003', 'login', first);
        assert.equal(old.json.valid, false, 'the older code no longer counts');
      }
      assert.equal((await verify('13800138003', 'login', second)).json.valid, true);
      const statuses = await db
        .selectFrom('otp_codes')
        .select('status')
        .where('mobile', '=', '13800138003')
        .where('scene', '=', 'login')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        statuses.map((s) => s.status),
        ['SUPERSEDED', 'VERIFIED'],
      );
    });

    await t.test('a daily cap per number, across scenes, until the next Beijing day', async () => {
      for (const scene of ['a', 'b', 'c']) assert.equal((await send('13800138005', scene)).json.code, 1);
      const capped = await send('13800138005', 'd');
      assert.equal(capped.json.code, 12);
      assert.match(String(capped.json.msg), /今日已收到 3 条验证码/);
      const t0 = now();
      const wait = Number(capped.json.retryAfter);
      assert.ok(Math.abs(wait - (nextBeijingDay(t0) - t0) / 1000) < 5, `retryAfter ${wait}`);
      assert.equal((await send('13800138005', 'e')).json.code, 12, 'a refusal does not count either way');
      const inbox = await eventually(() => {
        const list = tp.sim.inbox('13800138005');
        return list.length >= 3 ? list : undefined;
      });
      for (const e of inbox) codes.push(TEXT.exec(e.text)?.[1] ?? '');
      // Past Beijing midnight (nothing is in flight: all three arrived).
      shift += nextBeijingDay(t0) - t0 + 1_000;
      assert.equal((await send('13800138005', 'd')).json.code, 1, 'a new day');
      codes.push(await codeFromInbox(tp, '13800138005', 4));
    });

    await t.test('a number that texted TD still gets its code', async () => {
      await db
        .insertInto('mobile_blocks')
        .values({ mobile: '13600136000', kind: 'TD', reason: null, created_at: now() })
        .execute();
      const notice = await tp.post('/api/sms/send', {
        ...creds,
        mobiles: '13600136000',
        content: '缴费提醒',
      });
      assert.equal((notice.json.msgIds as { status: string }[])[0]?.status, 'BLOCKED', 'TD is in force');
      const sent = await send('13600136000', 'login');
      assert.equal(sent.json.status, 'QUEUED');
      const code = await codeFromInbox(tp, '13600136000');
      codes.push(code);
      assert.equal(tp.sim.inbox('13600136000').length, 1, 'only the code arrived');
      assert.equal((await verify('13600136000', 'login', code)).json.valid, true);
    });

    await t.test('same authentication and codes as /api/sms/send; form bodies', async () => {
      assert.equal(
        (await tp.post('/api/sms/otp/send', { ...creds, mobile: '13800138009' })).json.field,
        'scene',
      );
      assert.equal((await tp.post('/api/sms/otp/send', { ...creds, scene: 'x' })).json.code, -1);
      assert.equal(
        (await tp.post('/api/sms/otp/verify', { ...creds, mobile: '13800138009', scene: 'x' })).json.field,
        'otp',
      );
      assert.equal((await send('1380013800', 'login')).json.code, 2);
      assert.equal((await send('13800138009', 'bad scene!')).json.code, 2);
      assert.equal((await verify('13800138009', 'login', '12ab56')).json.code, 2);
      assert.equal(
        (
          await tp.post('/api/sms/otp/send', {
            appName: 'nobody',
            password: 'x',
            mobile: '13800138009',
            scene: 'x',
          })
        ).json.code,
        6,
      );
      assert.equal(
        (
          await tp.post(
            '/api/sms/otp/send',
            { ...creds, mobile: '13800138009', scene: 'x' },
            { remoteAddress: '10.9.9.9' },
          )
        ).json.code,
        5,
      );
      assert.equal(
        (
          await tp.post('/api/sms/otp/verify', {
            ...creds,
            password: 'wrong',
            mobile: '13800138009',
            scene: 'x',
            otp: '1',
          })
        ).json.code,
        8,
      );

      await createTestApp(db, 'poor', { balance: 0 });
      const poor = await tp.post('/api/sms/otp/send', {
        ...creds,
        appName: 'poor',
        mobile: '13800138009',
        scene: 'x',
      });
      assert.equal(poor.json.code, 3);
      assert.equal(
        (await db.selectFrom('otp_codes').select('id').where('mobile', '=', '13800138009').execute()).length,
        0,
        'nothing kept for a refused send',
      );

      const form = await tp.platform.interfaceApp!.inject({
        method: 'POST',
        url: '/api/sms/otp/send',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...creds, mobile: '13800138009', scene: 'form' }).toString(),
        remoteAddress: '127.0.0.1',
      });
      assert.equal(form.json<{ code: number }>().code, 1);
      const code = await codeFromInbox(tp, '13800138009');
      codes.push(code);
      const checked = await tp.platform.interfaceApp!.inject({
        method: 'POST',
        url: '/api/sms/otp/verify',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          ...creds,
          mobile: '13800138009',
          scene: 'form',
          otp: code,
        }).toString(),
        remoteAddress: '127.0.0.1',
      });
      assert.equal(checked.json<{ valid: boolean }>().valid, true);
    });

    await t.test('concurrent requests: one code per cool-down, one success per code', async () => {
      const sends = await Promise.all([1, 2, 3, 4].map(() => send('13800138010', 'race')));
      assert.deepEqual(sends.map((r) => r.json.code).sort(), [1, 12, 12, 12]);
      const code = await codeFromInbox(tp, '13800138010');
      codes.push(code);
      const checks = await Promise.all([1, 2, 3].map(() => verify('13800138010', 'race', code)));
      assert.deepEqual(checks.map((r) => r.json.valid).sort(), [false, false, true]);
    });

    await t.test('the code is in no stored batch, no answer and no log line', async () => {
      assert.equal(codes.length, 14);
      assert.ok(codes.every((c) => /^\d{6}$/.test(c)));
      const standalone = (text: string): string[] =>
        codes.filter((c) => new RegExp(`(?<!\\d)${c}(?!\\d)`).test(text));

      const batches = await db
        .selectFrom('batches')
        .select(['content', 'response'])
        .where('category', '=', 'otp')
        .execute();
      assert.equal(batches.length, 14);
      for (const b of batches) {
        assert.equal(b.content, '您的验证码为******，5分钟内有效。如非本人操作请忽略。');
        assert.deepEqual(standalone(b.response), []);
      }
      const rows = await db.selectFrom('otp_codes').select(['code_hash', 'text_enc']).execute();
      for (const r of rows) {
        assert.match(r.code_hash, /^[0-9a-f]{64}$/);
        assert.deepEqual(standalone(`${r.code_hash} ${r.text_enc ?? ''}`), []);
      }

      // Only a live code's text is still kept (sealed) for the dispatcher: 13800138005's of the new day.
      const all = await db.selectFrom('otp_codes').select(['batch_id', 'mobile', 'scene']).execute();
      const sealed = await sealedOtpTexts(
        db,
        all.map((r) => r.batch_id),
        now(),
      );
      assert.deepEqual(
        all.filter((r) => sealed.has(r.batch_id)).map((r) => [r.mobile, r.scene]),
        [['13800138005', 'd']],
      );
      const secrets = otpSecretsFrom(createPersonalDataCipher(Buffer.from(TEST_DATA_KEY, 'base64')));
      assert.equal(
        secrets.open([...sealed.values()][0]!),
        `您的验证码为${codes[10]}，5分钟内有效。如非本人操作请忽略。`,
      );

      const log = logLines.join('');
      assert.match(log, /otp queued/, 'the logs were captured');
      assert.match(log, /otp checked/);
      assert.deepEqual(standalone(log), []);
      assert.ok(!log.includes('您的验证码为'), 'no message text in the logs');
    });
  });
}
