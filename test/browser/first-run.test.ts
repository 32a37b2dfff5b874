/**
 * Issue 5's done-when, as a newcomer lives it: `serve --demo` (what `npm start` runs) in an empty
 * folder prints the console URL and the first-run accounts; in a real browser the operator logs in
 * with the printed password, must choose a new one, sends a message and sees it delivered, and
 * plays the citizen on the handset page; the system administrator has to enrol a second factor
 * before the console opens; the auditor finds those actions in the audit log, has no send page,
 * and the chain verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { totpAt } from '../../src/security/totp.js';
import { gotoPage, launchBrowser, screenshot } from '../helpers/browser.js';
import { demoFolder, type DemoBanner, type RunningDemo } from '../helpers/demo.js';

let demo: RunningDemo;
let banner: DemoBanner;
let browser: Browser;

test.before(async () => {
  demo = await demoFolder('sms12333-first-run-');
  ({ banner } = await demo.start());
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await demo.close();
  await browser.close();
});

/** Opens the printed URL and logs in with the printed one-time password, then sets `chosen`. */
async function firstLogin(user: string, chosen: string): Promise<Page> {
  const password = banner.users.get(user);
  assert.ok(password, `${user} has a printed one-time password`);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${banner.consoleUrl}/console/`);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByText('须先设置新密码').waitFor();
  await page.getByLabel('当前密码').fill(password);
  await page.getByLabel('新密码', { exact: true }).fill(chosen);
  await page.getByLabel('再次输入新密码').fill(chosen);
  await page.getByRole('button', { name: /保\s*存/ }).click();
  return page;
}

/** An administrator's second step: enrol the authenticator the page shows. */
async function enrolTotp(page: Page): Promise<void> {
  await page.getByRole('button', { name: '生成绑定二维码' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  await page.getByLabel('验证器显示的 6 位动态口令').fill(totpAt(secret, Date.now()));
  await page.getByRole('button', { name: '确认绑定' }).click();
  await page.getByTestId('current-user').waitFor();
}

test('the operator: printed password, forced change, a message sent and delivered, a citizen played', async () => {
  assert.deepEqual([...banner.users.keys()], ['admin', 'security', 'auditor', 'operator', 'reviewer']);
  const page = await firstLogin('operator', 'Operat0r-Chosen!');
  await page.getByTestId('current-user').waitFor();
  const menu = await page.locator('.ant-menu').innerText();
  for (const item of ['发送短信', '短信查询', '上行短信', '挂失工单', '调查回访', '模拟手机'])
    assert.match(menu, new RegExp(item));
  assert.doesNotMatch(menu, /审计日志|用户与角色|业务系统账户/);

  await gotoPage(page, 'send');
  await page.getByText(/demo\u3000【12333】/).waitFor();
  await page.getByRole('textbox', { name: '接收号码' }).fill('13800138000');
  await page
    .getByRole('textbox', { name: '短信内容' })
    .fill('您的社会保障卡已制作完成，请携带身份证到经办网点领取。');
  await page.getByTestId('preview-valid').filter({ hasText: /^1$/ }).waitFor();
  await page.getByTestId('send-submit').click();
  await page.getByTestId('send-confirm').waitFor();
  await page.getByRole('button', { name: /确认发送/ }).click();
  await page.getByTestId('send-done').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('status-DELIVERED').innerText(), '已送达 1');
  await screenshot(page, 'first-run-send');

  // The same phone on the handset page: the notice is there, and a command is answered.
  await gotoPage(page, 'handset');
  const chat = page.getByTestId('handset-chat');
  await chat.getByTestId('bubble-in').filter({ hasText: '社会保障卡已制作完成' }).waitFor();
  await page.getByTestId('command-CBXX').click();
  await page.getByTestId('handset-send').click();
  await chat.getByTestId('bubble-out').filter({ hasText: 'CBXX#' }).waitFor();
  await chat.getByTestId('bubble-in').filter({ hasText: '尚未绑定' }).waitFor({ timeout: 20_000 });
  await screenshot(page, 'first-run-handset');
  await page.context().close();
});

test('the system administrator must enrol a second factor before the console opens', async () => {
  const page = await firstLogin('admin', 'Adm1n-Chosen!2026');
  await enrolTotp(page);
  const menu = await page.locator('.ant-menu').innerText();
  assert.match(menu, /业务系统账户/);
  assert.match(menu, /运营商网关/);
  assert.doesNotMatch(menu, /审计日志|发送短信/);
  await page.context().close();
});

test('the auditor sees the operator’s login and send, cannot send, and the chain verifies', async () => {
  const page = await firstLogin('auditor', 'Aud1tor-Chosen!2026');
  await enrolTotp(page);
  const menu = await page.locator('.ant-menu').innerText();
  assert.match(menu, /审计日志/);
  assert.doesNotMatch(menu, /发送短信|短信查询|用户与角色|业务系统账户/);
  await gotoPage(page, 'audit');
  await page.getByLabel('操作人').fill('operator');
  await page.getByRole('button', { name: /查\s*询/ }).click();
  const table = page.locator('.ant-table');
  await table.locator('tr', { hasText: 'operator' }).filter({ hasText: '登录' }).first().waitFor();
  await table
    .locator('tr', { hasText: 'operator' })
    .filter({ hasText: /发送短信|send/ })
    .first()
    .waitFor();
  await page.getByRole('button', { name: /校验完整性/ }).click();
  await page.getByText(/校验通过/).waitFor();
  await gotoPage(page, 'send');
  await page.getByTestId('forbidden').waitFor();
  await page.context().close();
});
