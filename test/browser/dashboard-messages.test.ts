/**
 * The dashboard and the message search in a real browser: after messages went through
 * the simulator the dashboard counts them and draws its charts; the search finds a delivered
 * message, its drawer shows the parts with DELIVRD and the whole number after an explicit click;
 * a batch deep link filters the page; a CSV export runs to the download; the search shows the
 * total and pages through it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

let rig: TestPlatform;
let browser: Browser;
let batchId = '';

const MOBILES = ['13800138021', '13800138022', '13900139023', '13012340024', '18912340025'];
const LONG_MOBILE = '13700137026';

test.before(async () => {
  rig = await startTestPlatform('sqlite', { config: { console: { enabled: true, port: 0 } } });
  browser = await launchBrowser();
  const creds = { appName: rig.appName, password: rig.password };
  const short = await rig.post('/api/sms/send', {
    ...creds,
    mobiles: MOBILES,
    content: '您的社保卡已制作完成。',
  });
  assert.equal(short.json.code, 1, JSON.stringify(short.json));
  batchId = short.json.batchId as string;
  const long = await rig.post('/api/sms/send', {
    ...creds,
    mobiles: [LONG_MOBILE],
    content: '根据《社会保险法》规定，'.repeat(12),
    islong: 1,
  });
  assert.equal(long.json.code, 1, JSON.stringify(long.json));
  const reader = await consoleLogin(
    rig.platform.consoleUrl ?? '',
    await addConsoleUser(rig.platform, 'reader', ['reviewer']),
  );
  await eventually(
    async () => {
      const res = await reader.get<{ rows: { status: string }[] }>('messages');
      return res.json.rows.filter((r) => r.status === 'DELIVERED').length === 6 ? true : undefined;
    },
    20_000,
    'six delivered',
  );
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

test('the dashboard shows today’s numbers, its charts and the gateways', async () => {
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'dash.op', ['operator']));
  await gotoPage(page, 'dashboard');
  const today = page.getByTestId('kpi-today');
  await today.getByText('送达 6 · 失败 0').waitFor();
  assert.match(await today.innerText(), /今日发送\s*6/);
  assert.match(await page.getByTestId('kpi-rate').innerText(), /100\.0\s*%/);
  assert.match(await page.getByTestId('kpi-queue').innerText(), /排队中\s*0/);
  for (const id of ['chart-daily', 'chart-carrier', 'chart-status', 'chart-hourly'])
    await page.getByTestId(id).locator('canvas').first().waitFor();
  const gateway = page.locator('.ant-table-row', { hasText: 'cmcc-1' });
  await gateway.getByText('已连接').waitFor();
  assert.match(await gateway.innerText(), /6 \/ 100\.0%/);
  await page
    .getByTestId('last-refresh')
    .getByText(/最后刷新 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
    .waitFor();
  // The charts animate in; let them settle before the picture.
  await page.waitForTimeout(1200);
  await screenshot(page, 'dashboard');

  await page.getByTestId('auto-refresh').click();
  assert.equal(
    await page.getByTestId('auto-refresh').getAttribute('aria-checked'),
    'false',
    'refresh paused',
  );
  await page.context().close();
});

test('the message search finds a delivered message; the drawer shows its parts and unmasks once', async () => {
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'msg.op', ['operator']));
  await gotoPage(page, 'messages');
  const table = page.locator('.ant-table');
  await table.getByText('137****7026').waitFor();
  assert.equal(await table.locator('.ant-table-row').count(), 6);
  await screenshot(page, 'messages');

  await page.getByLabel('手机号码').fill(LONG_MOBILE);
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await eventually(async () => ((await table.locator('.ant-table-row').count()) === 1 ? true : undefined));
  const row = table.locator('.ant-table-row', { hasText: '137****7026' });
  await row.getByText('已送达').waitFor();
  assert.ok(!(await table.innerText()).includes(LONG_MOBILE), 'masked in the table');
  await row.getByRole('button', { name: /详\s*情/ }).click();

  const drawer = page.locator('.ant-drawer');
  const parts = drawer.getByTestId('detail-parts');
  await parts.getByText('第 3/3 段').waitFor();
  assert.equal(await parts.getByText('DELIVRD').count(), 3, 'every part delivered');
  assert.equal(await drawer.getByTestId('detail-mobile').innerText(), '137****7026');
  await drawer.getByRole('button', { name: /显示完整号码/ }).click();
  await drawer.getByTestId('detail-mobile').getByText(LONG_MOBILE).waitFor();
  await page.getByText('已显示完整号码（已记入审计日志）').waitFor();
  await screenshot(page, 'messages-detail');
  await page.context().close();
});

test('a batch deep link filters the page and the export runs to the download', async () => {
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'exp.op', ['operator']));
  await gotoPage(page, `messages?batchId=${batchId}`);
  const table = page.locator('.ant-table');
  await table.getByText('138****8021').waitFor();
  await eventually(async () => ((await table.locator('.ant-table-row').count()) === 5 ? true : undefined));
  assert.equal(await table.getByText('137****7026').count(), 0, 'only the batch');
  assert.equal(await page.getByLabel('批次ID').inputValue(), batchId, 'the filter shows the link');

  await page.getByRole('button', { name: /导出 CSV/ }).click();
  const dialog = page.locator('.ant-modal');
  await dialog.getByText('导出完成，共 5 行。手机号码已脱敏。').waitFor();
  assert.equal(
    await dialog.getByRole('progressbar').getAttribute('aria-valuenow'),
    '100',
    'progress at the total',
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('link', { name: /下载文件/ }).click(),
  ]);
  const path = await download.path();
  const text = await readFile(path, 'utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'BOM for Excel');
  const lines = text.slice(1).trim().split('\r\n');
  assert.equal(lines.length, 6, 'header and five rows');
  for (const m of MOBILES) assert.ok(lines.some((l) => l.includes(`${m.slice(0, 3)}****${m.slice(7)}`)));
  assert.ok(!MOBILES.some((m) => text.includes(m)), 'no whole number in the file');
  await page.context().close();
});

test('the search shows the total and pages through it', async () => {
  const more = Array.from({ length: 50 }, (_, i) => `136000001${String(i).padStart(2, '0')}`);
  const res = await rig.post('/api/sms/send', {
    appName: rig.appName,
    password: rig.password,
    mobiles: more,
    content: '请按时参加年度认证。',
  });
  assert.equal(res.json.code, 1, JSON.stringify(res.json));
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'page.op', ['operator']));
  await gotoPage(page, 'messages');
  const rows = page.locator('.ant-table-row');
  await page.getByTestId('messages-total').filter({ hasText: '共 56 条' }).waitFor();
  await page.getByTestId('messages-page').filter({ hasText: '第 1 / 2 页' }).waitFor();
  assert.equal(await rows.count(), 50);
  await page.getByRole('button', { name: /下一页/ }).click();
  await page.getByTestId('messages-page').filter({ hasText: '第 2 / 2 页' }).waitFor();
  await eventually(async () => ((await rows.count()) === 6 ? true : undefined));
  await page.getByText('138****8021').waitFor();
  assert.ok(await page.getByRole('button', { name: /下一页/ }).isDisabled());
  await page.getByRole('button', { name: /上一页/ }).click();
  await eventually(async () => ((await rows.count()) === 50 ? true : undefined));
  await page.context().close();
});
