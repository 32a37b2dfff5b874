/**
 * Logging in with a real browser: the first-run password change, lockout after
 * repeated failures, and the two-factor login of an administrator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { addConsoleUser, totpNow } from '../helpers/console.js';
import { launchBrowser, openConsole, screenshot } from '../helpers/browser.js';

let rig: TestPlatform;
let browser: Browser;
let consoleUrl: string;

test.before(async () => {
  rig = await startTestPlatform('sqlite', { config: { console: { enabled: true, port: 0 } } });
  consoleUrl = rig.platform.consoleUrl ?? '';
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

test('first login forces a new password, then the menu shows only the role’s pages', async () => {
  const user = await addConsoleUser(rig.platform, 'wang.op', ['operator'], { mustChangePassword: true });
  const page = await openConsole(browser, consoleUrl);
  await screenshot(page, 'login');
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByText('须先设置新密码').waitFor();
  await page.getByLabel('当前密码').fill(user.password);
  await page.getByLabel('新密码', { exact: true }).fill('weak');
  await page.getByLabel('再次输入新密码').fill('weak');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await page.locator('.ant-alert-error').waitFor();
  await page.getByLabel('新密码', { exact: true }).fill('Str0ng-Passw0rd');
  await page.getByLabel('再次输入新密码').fill('Str0ng-Passw0rd');
  await page.getByRole('button', { name: /保\s*存/ }).click();
  await page.getByTestId('current-user').waitFor();
  const menu = await page.locator('.ant-menu').innerText();
  assert.match(menu, /发送短信/);
  assert.doesNotMatch(menu, /审计日志|用户与角色/);
  await page.context().close();
});

test('five wrong passwords lock the account, and the form says until when', async () => {
  const user = await addConsoleUser(rig.platform, 'li.locked', ['operator']);
  const page = await openConsole(browser, consoleUrl);
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('用户名').fill(user.username);
    await page.getByLabel('密码').fill(`wrong-${i}`);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('login-error').waitFor();
    if (i < 4) assert.match(await page.getByTestId('login-error').innerText(), /用户名或密码错误/);
  }
  assert.match(
    await page.getByTestId('login-error').innerText(),
    /账户已锁定，请于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）后再试/,
  );
  // Even the right password is refused while locked.
  await page.getByLabel('密码').fill(user.password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/api/login')),
    page.getByRole('button', { name: /登\s*录/ }).click(),
  ]);
  assert.equal(answer.status(), 423);
  assert.match(await page.getByTestId('login-error').innerText(), /账户已锁定/);
  await screenshot(page, 'login-locked');
  await page.context().close();
});

test('an administrator enrols a one-time code and then needs it to log in', async () => {
  const admin = await addConsoleUser(rig.platform, 'zhao.sec', ['security-admin']);
  const page = await openConsole(browser, consoleUrl);
  await page.getByLabel('用户名').fill(admin.username);
  await page.getByLabel('密码').fill(admin.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByRole('button', { name: '生成绑定二维码' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  await screenshot(page, 'totp-enrol');
  await page.getByLabel('验证器显示的 6 位动态口令').fill(totpNow(secret));
  await page.getByRole('button', { name: '确认绑定' }).click();
  await page.getByTestId('current-user').waitFor();
  await page.getByRole('button', { name: /退\s*出/ }).click();

  // Without the code the login stops at the second factor; a wrong code is refused.
  await page.getByLabel('用户名').fill(admin.username);
  await page.getByLabel('密码').fill(admin.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByLabel('动态口令（6 位数字）').fill('000000' === totpNow(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('login-error').waitFor();
  // The form keeps the name and password: the person types the right code over the wrong one.
  await page.getByLabel('动态口令（6 位数字）').fill(totpNow(secret));
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('current-user').waitFor();
  assert.match(await page.locator('.ant-menu').innerText(), /用户与角色/);
  await page.context().close();
});
