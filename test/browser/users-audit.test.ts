/**
 * The security administrator's Users page and the auditor's Audit page in a real browser:
 * a user is created with a one-time password read from the dialog (三员分立 refused on the way);
 * the auditor finds the login and the creation in the log, downloads the CSV, verifies the chain,
 * and has no way to the send page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

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

test('the security administrator creates an operator and reads the one-time password', async () => {
  const sec = await addConsoleUser(rig.platform, 'zhao.sec', ['security-admin'], { totp: true });
  await addConsoleUser(rig.platform, 'wang.review', ['reviewer']);
  const page = await openConsole(browser, consoleUrl);
  await loginAs(page, sec);
  await gotoPage(page, 'users');
  const table = page.getByTestId('users-table');
  await table.getByText('wang.review').waitFor();
  // Own row: no actions.
  assert.doesNotMatch(await table.locator('tr', { hasText: 'zhao.sec' }).innerText(), /重置密码/);

  await page.getByRole('button', { name: '新建用户' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('用户名').fill('li.op');
  // 三员分立: two administrator roles are refused before anything is sent.
  await dialog.getByTestId('role-security-admin').click();
  await dialog.getByTestId('role-auditor').click();
  await dialog.getByText('互斥（三员分立）').waitFor();
  assert.ok(await dialog.getByRole('button', { name: /创\s*建/ }).isDisabled());
  await dialog.getByTestId('role-security-admin').click();
  await dialog.getByTestId('role-auditor').click();
  await dialog.getByTestId('role-operator').click();
  await dialog.getByRole('button', { name: /创\s*建/ }).click();

  const shown = page.getByTestId('one-time-password');
  await shown.waitFor();
  const password = (await shown.innerText()).trim();
  assert.match(password, /^\S{16}$/);
  await page.getByText('此密码只显示这一次').waitFor();
  await screenshot(page, 'users-password');
  await page.getByRole('button', { name: '我已记下，关闭' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
  const row = table.locator('tr', { hasText: 'li.op' });
  await row.waitFor();
  assert.match(await row.innerText(), /业务操作员[\s\S]*正常/);
  assert.match(await row.innerText(), /待修改初始密码/);
  await screenshot(page, 'users');

  // The password shown is the one that works, and it must be changed first.
  const client = await consoleLogin(consoleUrl, { username: 'li.op', password, totpSecret: null });
  const me = await client.get<{ user: { roles: string[]; mustChangePassword: boolean } }>('me');
  assert.deepEqual(me.json.user, { ...me.json.user, roles: ['operator'], mustChangePassword: true });

  // Roles are changed in the same dialog.
  await row.getByText('修改角色').click();
  await page.getByRole('dialog').getByText('修改角色：li.op').waitFor();
  await page.getByRole('dialog').getByTestId('role-reviewer').click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /保\s*存/ })
    .click();
  await row.getByText('审核员').waitFor();
  assert.deepEqual((await client.get<{ user: { roles: string[] } }>('me')).json.user.roles, [
    'operator',
    'reviewer',
  ]);

  // A reset asks first, then shows the new one-time password; the user's session ends.
  await row.getByText('重置密码').click();
  await page.getByText('重置 li.op 的密码？').waitFor();
  await page
    .locator('.ant-popover')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await shown.waitFor();
  const fresh = (await shown.innerText()).trim();
  assert.notEqual(fresh, password);
  await page.getByRole('button', { name: '我已记下，关闭' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal((await client.get('me')).status, 401);

  // Disabling asks first.
  await table.locator('tr', { hasText: 'wang.review' }).getByText('停用').click();
  await page.getByText('停用 wang.review？').waitFor();
  await page
    .locator('.ant-popover:visible')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await table.locator('tr', { hasText: 'wang.review' }).getByText('已停用').waitFor();
  await page.context().close();
});

test('the auditor reads the log, exports it, verifies it, and cannot send', async () => {
  const auditor = await addConsoleUser(rig.platform, 'qian.audit', ['auditor'], { totp: true });
  const page = await openConsole(browser, consoleUrl);
  await loginAs(page, auditor);
  const menu = await page.locator('.ant-menu').innerText();
  assert.match(menu, /审计日志/);
  assert.doesNotMatch(menu, /发送短信|用户与角色/);

  await gotoPage(page, 'audit');
  const rows = page.locator('.ant-table-tbody tr');
  await rows.filter({ hasText: '新建用户' }).first().waitFor();
  const creation = rows.filter({ hasText: '新建用户' }).first();
  assert.match(await creation.innerText(), /zhao\.sec[\s\S]*li\.op[\s\S]*成功/);
  await rows.filter({ hasText: '登录' }).filter({ hasText: 'zhao.sec' }).first().waitFor();

  // Page views name the page as the menu does; routine reads are folded away until asked for.
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await rows.filter({ hasText: '浏览页面' }).filter({ hasText: '审计日志（audit）' }).first().waitFor();
  assert.equal(await rows.filter({ hasText: /GET\s*\// }).count(), 0, 'no routine reads');
  await page.getByTestId('audit-routine').click();
  await page.getByRole('button', { name: /查\s*询/ }).click();
  await rows
    .filter({ hasText: /GET\s*\// })
    .first()
    .waitFor();
  await page.getByTestId('audit-routine').click();

  // Verification of the chain.
  await page.getByRole('button', { name: '校验完整性' }).click();
  const verdict = page.getByTestId('audit-verdict');
  await verdict.waitFor();
  assert.match(await verdict.innerText(), /校验通过：共 \d+ 条记录完好/);
  await screenshot(page, 'audit');

  // Filter: only the data operations.
  await page.getByLabel('类别').click();
  await page.locator('.ant-select-item-option', { hasText: '数据' }).click();
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/console/api/audit?') && r.url().includes('kind=data')),
    page.getByRole('button', { name: /查\s*询/ }).click(),
  ]);
  // Once the new page is drawn no access entry is left.
  await eventually(async () => ((await rows.filter({ hasText: '访问' }).count()) === 0 ? true : undefined));
  await rows.filter({ hasText: '新建用户' }).first().waitFor();

  // The detail drawer shows the JSON detail.
  await rows.filter({ hasText: '新建用户' }).first().getByText('查看').click();
  const json = JSON.parse(await page.getByTestId('audit-detail-json').innerText()) as unknown;
  assert.deepEqual(json, { roles: ['operator'] });
  await page.locator('.ant-drawer-close').click();

  // CSV download of what the filter selects.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /导出 CSV/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^audit-\d{8}-\d{6}\.csv$/);
  const csv = readFileSync(await download.path());
  assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = csv.toString('utf8');
  assert.match(text, /,data,zhao\.sec,security-admin,[^,]*,user\.create,li\.op,ok,/);
  assert.doesNotMatch(text, /,access,/);

  // A row changed behind the platform's back: the check names it, in red.
  const victim = await rig.platform.handle.db
    .selectFrom('audit_log')
    .select('seq')
    .where('action', '=', 'user.create')
    .executeTakeFirstOrThrow();
  await rig.platform.handle.db
    .updateTable('audit_log')
    .set({ target: 'someone.else' })
    .where('seq', '=', victim.seq)
    .execute();
  await page.getByRole('button', { name: '校验完整性' }).click();
  await page.locator('.ant-alert-error[data-testid="audit-verdict"]').waitFor();
  assert.match(await verdict.innerText(), new RegExp(`校验失败：序号 ${victim.seq} 的记录内容被改动`));
  await screenshot(page, 'audit-tampered');

  // No way to the send page.
  await gotoPage(page, 'send');
  await page.getByTestId('forbidden').waitFor();
  await page.context().close();
});
