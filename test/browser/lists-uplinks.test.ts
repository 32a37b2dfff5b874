/**
 * Lists and the uplink inbox in a real browser: an operator blacklists pasted numbers,
 * sees them masked, removes one after confirming, and the interface then blocks only the other;
 * the inbox shows a citizen's commands with their outcome, the SSN masked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { person, startCitizenRig, withCheck, type CitizenRig } from '../helpers/citizen.js';

const ZHANG = withCheck('21010219800101123');
const M1 = '13800138000';

let rig: CitizenRig;
let browser: Browser;

test.before(async () => {
  rig = await startCitizenRig('sqlite', [person(ZHANG, '张三丰', '802613')], {
    config: { console: { enabled: true, port: 0 }, citizen: { pollMs: 50 } },
  });
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

const statusOf = async (mobile: string): Promise<string | undefined> => {
  const res = await rig.post('/api/sms/send', {
    appName: rig.appName,
    password: rig.password,
    mobiles: mobile,
    content: '停电通知',
  });
  return (res.json as { msgIds: { status: string }[] }).msgIds[0]?.status;
};

test('a security administrator blacklists pasted numbers and removes one; the interface follows the list', async () => {
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'zhou.sec', ['security-admin'], { totp: true }));
  await gotoPage(page, 'lists');
  await page.getByRole('button', { name: /添加号码/ }).click();
  const dialog = page.locator('.ant-modal');
  await dialog.getByLabel('手机号码').fill('13700000001\n+86 137 0000 0002, 1370000000');
  await dialog.getByLabel('原因').fill('市民投诉');
  await dialog.getByRole('button', { name: /添\s*加/ }).click();
  await page.getByText('已添加 2 个，已在名单中 0 个').waitFor();
  await page.getByText(/1 个无效号码未添加：1370000000/).waitFor();
  const table = page.locator('.ant-table');
  await table.getByText('137****0001').waitFor();
  await table.getByText('137****0002').waitFor();
  assert.ok(!(await table.innerText()).includes('13700000001'), 'numbers are masked');
  assert.match(await page.getByRole('tab', { name: /黑名单/ }).innerText(), /黑名单 \(2\)/);
  await dialog.waitFor({ state: 'hidden' });
  await screenshot(page, 'lists');
  assert.equal(await statusOf('13700000001'), 'BLOCKED');

  await table.locator('tr', { hasText: '137****0001' }).getByRole('button', { name: /移出/ }).click();
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定|OK/ })
    .click();
  await page.getByText('已移出').waitFor();
  await table.getByText('137****0001').waitFor({ state: 'detached' });
  assert.equal(await statusOf('13700000001'), 'QUEUED');
  assert.equal(await statusOf('13700000002'), 'BLOCKED');

  await page.getByRole('tab', { name: /退订/ }).click();
  await page.getByText('控制台不能删除').waitFor();
  assert.equal(await page.getByRole('button', { name: /添加号码/ }).count(), 0, 'TD cannot be added to');
  await page.context().close();
});

test('the uplink inbox shows a citizen’s commands with their outcome, masked', async () => {
  await rig.ask(M1, `BD#${ZHANG}#802613`);
  await rig.ask(M1, 'cbxx');
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'wu.op', ['operator']));
  await gotoPage(page, 'uplinks');
  const table = page.locator('.ant-table');
  const bind = table.locator('tr', { hasText: 'BD#' });
  await bind.waitFor();
  const text = await bind.innerText();
  assert.match(
    text,
    /138\*\*\*\*8000[\s\S]*12333 市民服务[\s\S]*BD#2101\*{10}\d{3}[\dX]#\*{6}[\s\S]*绑定成功/,
  );
  assert.ok(!(await table.innerText()).includes(ZHANG), 'the SSN is masked');
  await table.locator('tr', { hasText: 'cbxx' }).filter({ hasText: '无记录' }).waitFor();
  await page.getByLabel('内容包含').fill('BD');
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await table.locator('tr', { hasText: 'cbxx' }).waitFor({ state: 'detached' });
  await screenshot(page, 'uplinks');
  await page.context().close();
});
