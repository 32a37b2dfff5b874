/**
 * Client certificates bound to accounts (standard §8.2 e, docs/design.md §4.2) and the interface
 * access log (§8.1 c): two accounts with certificates from one CA cannot use each other's (code 5,
 * saying why); every call — refusals, wrong passwords and the lock included — is logged with its
 * account, address, path, code and number count, and never a password. A throw-away CA is made
 * with openssl for the run (test/helpers/certificates.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { runApp } from '../../src/cli/app.js';
import { searchAccessLog } from '../../src/store/access-log.js';
import { findAppByName } from '../../src/store/apps.js';
import { DIALECTS } from '../helpers/databases.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';
import { TEST_PASSWORD } from '../helpers/apps.js';
import { testCertificates } from '../helpers/certificates.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: certificates are bound to their accounts; the access log holds every call`, async (t) => {
    const certs = testCertificates(t);
    certs.sign('server', '/CN=127.0.0.1', 'IP:127.0.0.1');
    certs.sign('hr1', '/CN=hr1/O=人社局');
    certs.sign('hr2', '/CN=hr2/O=人社局');
    const { dir, file } = certs;
    const env = await startTestPlatform(dialect, {
      config: {
        interface: {
          host: '127.0.0.1',
          port: 0,
          tls: {
            cert: file('server.crt'),
            key: file('server.key'),
            ca: file('ca.crt'),
            requireClientCert: true,
          },
          passwordFailureLimit: 3,
        },
      },
    });
    t.after(() => env.close());

    // Accounts through the command line, against the platform's own database and key.
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        database: { url: env.platform.config.database.url },
        security: env.platform.config.security,
      }),
    );
    const quiet = { write: () => true };
    const add = (name: string, ...more: string[]) =>
      runApp(
        [
          'add',
          '--config',
          configFile,
          '--name',
          name,
          '--password',
          TEST_PASSWORD,
          '--balance',
          '100',
          ...more,
        ],
        quiet,
      );
    await add('hr1', '--auth', 'certificate', '--cert', file('hr1.crt'));
    await add('hr2', '--auth', 'both', '--cert', file('hr2.crt'), '--ip', '127.0.0.1/32');
    const hr1 = await findAppByName(env.platform.handle.db, 'hr1');
    assert.ok(hr1);
    assert.equal(hr1.authMode, 'certificate');
    assert.match(hr1.certSubject ?? '', /CN=hr1/);
    assert.ok((hr1.certNotAfter ?? 0) > Date.now());

    const call = (cert: string, body: Record<string, unknown>, path = '/api/sms/balance') =>
      new Promise<{ code: number; msg: string }>((resolve, reject) => {
        const req = https.request(
          `${env.url}${path}`,
          {
            method: 'POST',
            ca: readFileSync(file('ca.crt')),
            cert: readFileSync(file(`${cert}.crt`)),
            key: readFileSync(file(`${cert}.key`)),
            headers: { 'content-type': 'application/json' },
            agent: false,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolve(JSON.parse(text) as { code: number; msg: string }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });

    assert.equal((await call('hr1', { appName: 'hr1', password: TEST_PASSWORD })).code, 1);
    assert.equal((await call('hr2', { appName: 'hr2', password: TEST_PASSWORD })).code, 1);
    const crossed = await call('hr2', { appName: 'hr1', password: TEST_PASSWORD });
    assert.equal(crossed.code, 5);
    assert.match(crossed.msg, /其他账户/);
    assert.equal((await call('hr1', { appName: 'hr2', password: TEST_PASSWORD })).code, 5);
    // A whitelist account is not a way around it: another account's certificate is refused there too.
    assert.equal((await call('hr1', { appName: 'hrss', password: TEST_PASSWORD })).code, 5);

    // Wrong passwords until the lock, then even the right one is refused for a while.
    for (let i = 0; i < 3; i++)
      assert.equal((await call('hr2', { appName: 'hr2', password: `wrong-${i}` })).code, 8);
    const locked = await call('hr2', { appName: 'hr2', password: TEST_PASSWORD });
    assert.equal(locked.code, 8);
    assert.match(locked.msg, /锁定/);
    const sent = await call(
      'hr1',
      { appName: 'hr1', password: TEST_PASSWORD, mobiles: '13800138000,13800138001', content: '通知' },
      '/api/sms/send',
    );
    assert.equal(sent.code, 1);

    const log = await eventually(
      async () => {
        const found = await searchAccessLog(env.platform.handle.db, {}, 100, 0);
        return found.total >= 10 ? found : undefined;
      },
      10_000,
      'every call logged',
    );
    const rows = log.entries.reverse();
    assert.deepEqual(
      rows.map((r) => [r.app_name, r.path, r.code, r.numbers]),
      [
        ['hr1', '/api/sms/balance', 1, 0],
        ['hr2', '/api/sms/balance', 1, 0],
        ['hr1', '/api/sms/balance', 5, 0],
        ['hr2', '/api/sms/balance', 5, 0],
        ['hrss', '/api/sms/balance', 5, 0],
        ['hr2', '/api/sms/balance', 8, 0],
        ['hr2', '/api/sms/balance', 8, 0],
        ['hr2', '/api/sms/balance', 8, 0],
        ['hr2', '/api/sms/balance', 8, 0],
        ['hr1', '/api/sms/send', 1, 2],
      ],
    );
    assert.ok(rows.every((r) => r.source_ip === '127.0.0.1' && r.duration_ms >= 0));
    assert.match(rows[8]?.msg ?? '', /锁定/);
    assert.equal(rows[0]?.msg, null);
    assert.ok(!JSON.stringify(rows).includes(TEST_PASSWORD) && !JSON.stringify(rows).includes('wrong-'));
    // The auditor's filters: refusals of one account.
    const refused = await searchAccessLog(
      env.platform.handle.db,
      { appName: 'hr2', refusedOnly: true },
      50,
      0,
    );
    assert.equal(refused.total, 5);
  });
}
