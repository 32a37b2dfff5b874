/**
 * The system administrator's pages in a real browser: an account created on the Apps
 * page answers the HTTP interface with the one-time password shown, a top-up shows in the balance
 * the interface reports, a freeze makes the interface refuse it (code 6); the Gateways page shows
 * the simulator link connected, pauses, resumes and retunes it without a restart; an edit on the Replies page is what a citizen gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { REPLY_DEFAULTS } from '../../src/citizen/replies.js';
import { startCitizenRig, type CitizenRig } from '../helpers/citizen.js';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { eventually } from '../helpers/platform.js';

let rig: CitizenRig;
let browser: Browser;
let page: Page;

test.before(async () => {
  rig = await startCitizenRig('sqlite', [], { config: { console: { enabled: true, port: 0 } } });
  browser = await launchBrowser();
  const admin = await addConsoleUser(rig.platform, 'zhao.sys', ['system-admin'], { totp: true });
  page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, admin);
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

const balanceOf = async (appName: string, password: string) =>
  (await rig.post('/api/sms/balance', { appName, password })).json;

test('Apps: create, read the one-time password, top up, freeze; the interface follows', async () => {
  await gotoPage(page, 'apps');
  await page.getByRole('button', { name: /新建账户/ }).click();
  await page.getByTestId('app-name').fill('yibao');
  await page.getByTestId('app-signature').fill('【医保局】');
  await page.getByTestId('app-ext').fill('91');
  await page.getByTestId('app-whitelist').fill('127.0.0.1/32\n::1/128');
  await page.getByRole('button', { name: /创\s*建/ }).click();
  await page.getByText('不能以 9 开头').waitFor();
  await page.getByTestId('app-ext').fill('25');
  await page.getByRole('button', { name: /创\s*建/ }).click();
  const password = (await page.getByTestId('app-password').innerText()).trim();
  assert.match(password, /^[A-Za-z2-9]{16}$/);
  assert.equal((await balanceOf('yibao', password)).code, 1);
  await page.getByRole('button', { name: /我已妥善保存/ }).click();

  const row = page.locator('tr', { hasText: 'yibao' });
  await row.getByText('正常').waitFor();
  await page.getByTestId('topup-yibao').click();
  await page.getByTestId('topup-segments').fill('500');
  await page.getByRole('button', { name: /确认充值/ }).click();
  await row.getByText('500', { exact: true }).waitFor();
  await page.locator('.ant-modal').waitFor({ state: 'hidden' });
  assert.equal((await balanceOf('yibao', password)).balance, 500);
  await screenshot(page, 'apps');

  await row.getByText('冻结', { exact: true }).click();
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await row.getByText('已冻结').waitFor();
  await eventually(async () => ((await balanceOf('yibao', password)).code === 6 ? true : undefined), 5000);
});

test('Gateways: the link shows connected; an operator pauses, resumes and retunes it', async () => {
  // The console has its own icon in the browser tab.
  const icon = await page.locator('link[rel=icon]').getAttribute('href');
  const iconAnswer = await fetch(new URL(icon ?? '', page.url()));
  assert.equal(iconAnswer.status, 200);
  assert.match(iconAnswer.headers.get('content-type') ?? '', /image\/svg\+xml/);

  await gotoPage(page, 'gateways');
  const state = page.getByTestId('gateway-state-cmcc-1');
  await state.waitFor();
  await eventually(async () => ((await state.innerText()) === '已连接' ? true : undefined), 10_000);
  assert.match(await page.getByTestId('gateway-cmcc-1').innerText(), /2 \/ 2 已绑定/);
  await screenshot(page, 'gateways');

  await page.getByTestId('gateway-pause-cmcc-1').click();
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await page.getByText('网关已暂停').waitFor();
  await state.filter({ hasText: '已暂停' }).waitFor();
  assert.ok(rig.platform.router.isPaused('cmcc-1'));
  assert.equal(rig.platform.router.pick('cmcc'), null, 'nothing new goes to a paused link');

  await page.getByTestId('gateway-resume-cmcc-1').click();
  await page.getByText('网关已恢复').waitFor();
  await state.filter({ hasText: '已连接' }).waitFor();
  assert.equal(rig.platform.router.isPaused('cmcc-1'), false);

  await page.getByTestId('gateway-tune-cmcc-1').click();
  const dialog = page.locator('.ant-modal');
  await dialog.getByLabel('限速（条/秒）').fill('800');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await page.getByTestId('gateway-tps-cmcc-1').filter({ hasText: '800 条/秒' }).waitFor();
  await eventually(() => (rig.platform.router.byId('cmcc-1')?.status().tps === 800 ? true : undefined));
  await state.filter({ hasText: '已连接' }).waitFor({ timeout: 10_000 });
});

test('Replies: an edited text is what the citizen receives', async () => {
  await gotoPage(page, 'replies');
  await page.getByTestId('edit-notBound').click();
  await page.getByTestId('reply-preview').waitFor();
  const box = page.getByTestId('reply-content');
  await box.fill('请先绑定{mobile}');
  await page.getByTestId('reply-problem').waitFor();
  assert.ok(await page.getByTestId('reply-save').isDisabled());
  const edited = '本机未绑定社保号，请发送BD#社保号#服务密码办理绑定。';
  await box.fill(edited);
  await eventually(
    async () => ((await page.getByTestId('reply-problem').count()) === 0 ? true : undefined),
    5000,
  );
  await eventually(async () => ((await page.getByTestId('reply-save').isEnabled()) ? true : undefined), 5000);
  assert.match(await page.getByTestId('reply-preview').innerText(), /本机未绑定社保号/);
  await page.waitForTimeout(400); // the progress bar's colour transition, for the screenshot only
  await screenshot(page, 'replies');
  await page.getByTestId('reply-save').click();
  await page.getByText('已保存，新内容立即生效').waitFor();
  assert.equal(await rig.ask('13900000002', 'CBXX#'), edited);
  assert.notEqual(edited, REPLY_DEFAULTS.notBound);
});
