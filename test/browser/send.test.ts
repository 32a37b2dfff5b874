/**
 * The Send page in a real browser: an operator uploads an .xlsx with per-row variables,
 * sees the estimate, confirms, and watches every message reach 已送达 as one send task with its
 * progress, whose messages the search then lists; the handsets got each row's text. Templates: an operator
 * writes one (a 通知 unless a kind is chosen, filtered apart from the 验证码 ones), a reviewer approves it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { createTemplate, reviewTemplate } from '../../src/store/templates.js';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

let rig: TestPlatform;
let browser: Browser;

test.before(async () => {
  rig = await startTestPlatform('sqlite', {
    config: { console: { enabled: true, port: 0, batchReviewThreshold: 3 } },
  });
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('名单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test('an operator sends an .xlsx batch with per-row variables and sees every message delivered', async () => {
  const user = await addConsoleUser(rig.platform, 'op.chen', ['operator']);
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, user);
  await gotoPage(page, 'send');
  await page.getByText('hrss　【人社局】').waitFor();

  await page.getByRole('tab', { name: '上传文件' }).click();
  const xlsx = await workbook([
    ['mobile', 'name', 'item'],
    ['13800138101', '张三', '十一月养老金'],
    [13900139102, '李四', '失业保险金'],
    ['18600186103', '王五', '工伤保险待遇'],
    ['12345', '无效', '测试'],
  ]);
  await page.locator('input[type=file]').setInputFiles({
    name: '待遇发放名单.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: xlsx,
  });
  await page.getByTestId('file-chosen').waitFor();
  await page
    .getByRole('textbox', { name: '短信内容' })
    .fill('{name}您好，您的{item}已发放到社保卡，请注意查收。');

  // The estimate follows: 3 valid numbers, line 5 invalid, one segment each.
  await page.getByTestId('preview-valid').filter({ hasText: /^3$/ }).waitFor();
  assert.equal(await page.getByTestId('preview-invalid').innerText(), '1');
  assert.equal(await page.getByTestId('preview-cost').innerText(), '3 条');
  assert.match(await page.getByTestId('preview-problems').innerText(), /5\s+12345\s+不是有效的手机号码/);
  assert.match(await page.getByTestId('send-counter').innerText(), /含签名 \d+ \/ 70 字 · 1 条/);
  assert.equal(await page.getByTestId('preview-sample').count(), 3);
  await page.getByText('【人社局】张三您好，您的十一月养老金已发放到社保卡，请注意查收。').waitFor();
  await page.locator('input[value="由文件“name”列填充"]').waitFor();
  await screenshot(page, 'send');

  await page.getByTestId('send-submit').click();
  const confirm = page.getByTestId('send-confirm');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /有效号码\s+3/);
  assert.match(await confirm.innerText(), /合计计费\s+3/);
  await page.getByRole('button', { name: /确认发送/ }).click();

  await page.getByTestId('send-done').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByTestId('status-DELIVERED').innerText(), '已送达 3');
  assert.equal(await page.getByTestId('send-status').locator('.ant-tag').count(), 1, 'nothing but delivered');
  // One task, however many texts (three here, one per row) and batches it made.
  assert.equal(await page.getByTestId('send-task').count(), 1);
  assert.match(await page.getByTestId('send-task').innerText(), /发送任务 #\d+\s+文件：待遇发放名单\.xlsx/);
  assert.equal(await page.getByTestId('send-task-counts').innerText(), '共 3 个号码 · 已完成 3 / 3');
  assert.doesNotMatch(await page.getByTestId('send-progress').innerText(), /批次/);
  const link = await page.getByTestId('send-details').getAttribute('href');
  assert.match(link ?? '', /^#\/messages\?taskId=\d+$/);
  await screenshot(page, 'send-delivered');
  await page.getByTestId('send-details').click();
  await page.getByTestId('messages-task').filter({ hasText: '待遇发放名单.xlsx · 共 3 个号码' }).waitFor();
  assert.match(await page.getByTestId('messages-total').innerText(), /共 3 条/);
  assert.equal(await page.locator('.ant-table-row').count(), 3);

  assert.deepEqual(
    ['13800138101', '13900139102', '18600186103'].map((m) => rig.sim.inbox(m).map((e) => e.text)),
    [
      ['【人社局】张三您好，您的十一月养老金已发放到社保卡，请注意查收。'],
      ['【人社局】李四您好，您的失业保险金已发放到社保卡，请注意查收。'],
      ['【人社局】王五您好，您的工伤保险待遇已发放到社保卡，请注意查收。'],
    ],
  );
  await page.context().close();
});

test('an operator writes a template, a reviewer approves it with a note', async () => {
  const { db } = rig.platform.handle;
  const app = (await db.selectFrom('apps').select('id').where('name', '=', 'hrss').executeTakeFirstOrThrow())
    .id;
  await createTemplate(db, rig.platform.ids, {
    appId: app,
    name: '养老金发放通知',
    content: '{name}您好，您{month}月基本养老金{amount}元已发放。',
    status: 'approved',
    createdBy: 'op.seed',
  });
  const rejected = await createTemplate(db, rig.platform.ids, {
    appId: null,
    name: '年度认证提醒',
    content: '请尽快完成年度认证。',
    status: 'pending',
    createdBy: 'op.seed',
  });
  await reviewTemplate(db, rejected.id, { status: 'rejected', reviewer: 'rv.seed', note: '请写明截止日期' });
  await createTemplate(db, rig.platform.ids, {
    appId: app,
    name: '登录验证码',
    kind: 'otp',
    content: '您的验证码为{code}，5分钟内有效。',
    status: 'approved',
    createdBy: 'op.seed',
  });

  const operator = await addConsoleUser(rig.platform, 'op.tmpl', ['operator']);
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, operator);
  await gotoPage(page, 'templates');
  await page.getByRole('button', { name: /新建模板/ }).click();
  await page.getByLabel('所属账户').click();
  await page.locator('.ant-select-item-option').filter({ hasText: 'hrss 【人社局】' }).click();
  await page.getByLabel('模板名称').fill('社保卡领取通知');
  await page.getByLabel('模板内容').fill('{name}您好，您的社保卡已制作完成，请于{date}前到{place}领取。');
  await page.getByTestId('template-counter').filter({ hasText: '含签名 45 / 70 字 · 1 条' }).waitFor();
  await page.getByText('{place}', { exact: true }).waitFor();
  await page.getByRole('button', { name: /提交审核/ }).click();
  const row = page.locator('tr').filter({ hasText: '社保卡领取通知' });
  await row.getByTestId('template-status-pending').waitFor();
  await row.getByTestId('template-kind-notice').waitFor();
  assert.equal(
    await row.getByRole('button', { name: /通过/ }).count(),
    0,
    'an operator has no approve button',
  );
  // Only the verification-code templates.
  await page.locator('.ant-modal-wrap').waitFor({ state: 'detached' });
  await page
    .locator('.ant-segmented-item')
    .filter({ hasText: /^验证码$/ })
    .click();
  await page.locator('tr').filter({ hasText: '登录验证码' }).getByTestId('template-kind-otp').waitFor();
  await row.waitFor({ state: 'detached' });
  await page.context().close();

  const reviewer = await addConsoleUser(rig.platform, 'rv.tmpl', ['reviewer']);
  const review = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(review, reviewer);
  await gotoPage(review, 'templates');
  const pending = review.locator('tr').filter({ hasText: '社保卡领取通知' });
  await pending.getByRole('button', { name: /通过/ }).waitFor();
  // The table fades in after loading; the screenshot waits for the end of the fade.
  await eventually(
    async () =>
      (await review.evaluate(
        `[...document.querySelectorAll('.ant-spin-container')].every((e) => getComputedStyle(e).opacity === '1')`,
      ))
        ? true
        : undefined,
    5000,
    'the table faded in',
  );
  await screenshot(review, 'templates');
  await pending.getByRole('button', { name: /通过/ }).click();
  const dialog = review.locator('.ant-modal');
  await dialog.getByLabel('审核意见').fill('内容规范，同意使用');
  await dialog.getByRole('button', { name: /通\s*过/ }).click();
  await pending.getByTestId('template-status-approved').waitFor();
  assert.match(await pending.innerText(), /rv\.tmpl\s+内容规范，同意使用/);
  assert.equal(
    await review.getByRole('button', { name: /新建模板/ }).count(),
    0,
    'a reviewer writes no templates',
  );
  await review.context().close();
});

test('a batch over the review threshold shows that it waits for a reviewer', async () => {
  const user = await addConsoleUser(rig.platform, 'op.big', ['operator']);
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, user);
  await gotoPage(page, 'send');
  await page.getByText('hrss　【人社局】').waitFor();
  await page
    .getByRole('textbox', { name: '接收号码' })
    .fill('13800138201\n13800138202\n13800138203\n13800138204');
  await page.getByRole('textbox', { name: '短信内容' }).fill('2027年度社保缴费基数申报已开始，请按时申报。');
  await page.getByTestId('review-warning').waitFor();
  await page.getByTestId('preview-valid').filter({ hasText: /^4$/ }).waitFor();
  await page.getByTestId('send-submit').click();
  assert.match(await page.getByTestId('send-confirm').innerText(), /须审核通过才发送/);
  await page.getByRole('button', { name: /确认发送/ }).click();
  await page.getByTestId('send-held').waitFor();
  assert.match(await page.getByTestId('send-held').innerText(), /收件人较多/);
  await page.getByTestId('status-HELD').filter({ hasText: '待审核 4' }).waitFor();
  assert.equal(rig.sim.inbox('13800138201').length, 0, 'nothing leaves before the review');
  await page.context().close();
});
