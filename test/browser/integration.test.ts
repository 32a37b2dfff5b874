/**
 * The integration pages in a real browser (docs/console.md "Integration", "Interface access
 * log"): the system administrator sees an account's report callbacks fail and be given up, asks
 * for them again with one click (audited) and the fixed receiver gets the batch; a certificate
 * ending in 10 days is flagged on the Integration and Apps pages; the auditor finds the password
 * refusals and the lock of an account in the interface access log by account, path and refusal,
 * with the total, and exports them as CSV.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { callbackStatus } from '../../src/store/callbacks.js';
import { searchAccessLog } from '../../src/store/access-log.js';
import { createTestApp } from '../helpers/apps.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const DAY = 86_400_000;

let rig: TestPlatform;
let browser: Browser;
let admin: Page;
let auditor: Page;
let auditorApi: ConsoleClient;
let appId = 0;
let accept = false;
const taken: string[] = [];
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (accept) taken.push(String(req.headers['x-sms12333-delivery']));
    res.writeHead(accept ? 204 : 503).end();
  });
});

test.before(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  rig = await startTestPlatform('sqlite', {
    config: {
      console: { enabled: true, port: 0 },
      interface: { host: '127.0.0.1', port: 0, passwordFailureLimit: 2 },
      // Given up after 3.6 s of failing.
      callbacks: { retryHours: 0.001, firstRetryMs: 200, maxRetryMs: 500, pollMs: 100 },
    },
  });
  const db = rig.platform.handle.db;
  appId = (await db.selectFrom('apps').select('id').where('name', '=', 'hrss').executeTakeFirstOrThrow()).id;
  const yibao = await createTestApp(db, 'yibao', { extCode: '02' });
  await db
    .updateTable('apps')
    .set({
      auth_mode: 'certificate',
      cert_fingerprint: 'ab'.repeat(32),
      cert_subject: 'CN=yibao',
      cert_not_after: Date.now() + 10 * DAY + 3_600_000,
    })
    .where('id', '=', yibao.id)
    .execute();
  browser = await launchBrowser();
  const consoleUrl = rig.platform.consoleUrl ?? '';
  const sys = await addConsoleUser(rig.platform, 'zhao.sys', ['system-admin'], { totp: true });
  const aud = await addConsoleUser(rig.platform, 'qian.audit', ['auditor'], { totp: true });
  const sysApi = await consoleLogin(consoleUrl, sys);
  auditorApi = await consoleLogin(consoleUrl, aud);
  const port = (receiver.address() as { port: number }).port;
  const edited = await sysApi.put(`apps/${appId}`, {
    signature: '【人社局】',
    extCode: '01',
    ipWhitelist: '127.0.0.1/32\n::1/128',
    reportUrl: `http://127.0.0.1:${port}/reports`,
  });
  assert.equal(edited.status, 200, JSON.stringify(edited.json));
  admin = await openConsole(browser, consoleUrl);
  await loginAs(admin, sys);
  auditor = await openConsole(browser, consoleUrl);
  await loginAs(auditor, aud);
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
  await new Promise((r) => receiver.close(r));
});

test('Integration: failed callbacks shown, retried with one click (audited); a certificate ending soon flagged', async () => {
  const sent = await rig.post('/api/sms/send', {
    appName: 'hrss',
    password: rig.password,
    mobiles: ['13800138000'],
    content: '回调测试',
  });
  assert.equal(sent.json.code, 1, JSON.stringify(sent.json));
  await eventually(
    async () =>
      (await callbackStatus(rig.platform.handle.db, appId))[0]?.failedBatches === 1 ? true : undefined,
    15_000,
    'the report batch given up',
  );

  await gotoPage(admin, 'integration');
  const cell = admin.getByTestId('cb-hrss-report');
  await cell.getByText('失败 1 批 / 1 条').waitFor();
  await cell.getByText(/最近错误：HTTP 503/).waitFor();
  assert.match(await admin.getByTestId('cb-hrss-reply').innerText(), /未设置/);
  await admin.getByTestId('cert-yibao').filter({ hasText: '10 天后到期' }).waitFor();
  assert.match(await admin.getByTestId('cert-warning').innerText(), /1 个账户.*30 天内.*yibao/);
  await screenshot(admin, 'integration');

  accept = true;
  await admin.getByTestId('retry-hrss').click();
  await admin
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await admin.getByText('已请求立即重试').waitFor();
  await eventually(() => (taken.length > 0 ? true : undefined), 10_000, 'the batch taken');
  assert.match(taken[0] ?? '', new RegExp(`^report-${appId}-\\d+-\\d+$`));
  await eventually(async () =>
    (await callbackStatus(rig.platform.handle.db, appId))[0]?.failedBatches === 0 ? true : undefined,
  );
  const audited = await auditorApi.get<{ total: number; entries: { target: string }[] }>(
    'audit?action=app.callback-retry',
  );
  assert.equal(audited.json.total, 1);
  assert.equal(audited.json.entries[0]?.target, 'hrss');

  await gotoPage(admin, 'apps');
  await admin.getByTestId('app-cert-yibao').filter({ hasText: '10 天后到期' }).waitFor();
  assert.equal((await admin.getByTestId('app-cert-hrss').innerText()).trim(), '—');
});

test('Interface access log: the auditor finds refusals and the lock, with the total, and exports them', async () => {
  for (let i = 0; i < 3; i++) {
    const wrong = await rig.post('/api/sms/balance', { appName: 'hrss', password: 'wrong-password' });
    assert.equal(wrong.json.code, 8);
  }
  await eventually(async () => {
    const found = await searchAccessLog(rig.platform.handle.db, { path: '/api/sms/balance' }, 10, 0);
    return found.total === 3 ? true : undefined;
  });

  await gotoPage(auditor, 'interface-log');
  await auditor.getByTestId('ilog-app').fill('hrss');
  await auditor.getByTestId('ilog-path').fill('/api/sms/bal*');
  await auditor.getByTestId('ilog-refused').check();
  await auditor.getByRole('button', { name: /查\s*询/ }).click();
  await auditor.getByTestId('ilog-total').filter({ hasText: '共 3 条' }).waitFor();
  await auditor.locator('tr', { hasText: '已锁定' }).first().waitFor();
  assert.equal(await auditor.locator('tr', { hasText: '/api/sms/balance' }).count(), 3);
  await screenshot(auditor, 'interface-log');

  const href = (await auditor.getByTestId('ilog-export').getAttribute('href')) ?? '';
  assert.match(href, /^\/console\/api\/interface-log\/export\?/);
  const csv = await auditorApi.fetch(href.replace('/console/api/', ''));
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM for spreadsheet programs');
  const lines = bytes.toString('utf8', 3).trim().split('\r\n');
  assert.match(lines[0] ?? '', /^时间\(北京\) time,账户 appName/);
  assert.equal(lines.length, 4);
  assert.ok(
    lines.slice(1).every((l) => l.includes(',hrss,127.0.0.1,/api/sms/balance,8,')),
    lines.join('\n'),
  );
  assert.ok(lines.some((l) => l.includes('已锁定')));
  const exported = await auditorApi.get<{ total: number }>('audit?action=export.interface-log');
  assert.equal(exported.json.total, 1);
});
