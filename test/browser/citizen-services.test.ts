/**
 * Citizen services in a real browser: a case handler takes and completes a card-loss
 * ticket on the Tickets page and the citizen's handset receives the result — in the simulator's
 * inbox and on the Handset page; an operator creates and sends a survey and sees a handset's
 * answer in the live result chart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import {
  person,
  SERVICE_NUMBER,
  SIGNATURE,
  startCitizenRig,
  withCheck,
  type CitizenRig,
} from '../helpers/citizen.js';

const ZHANG = withCheck('21010219800101123');
const M1 = '13800138000';

let rig: CitizenRig;
let browser: Browser;

test.before(async () => {
  rig = await startCitizenRig('sqlite', [person(ZHANG, '张三丰', '802613')], {
    config: { console: { enabled: true, port: 0 }, citizen: { pollMs: 50 } },
    handsets: true,
  });
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

test('a case handler takes and completes a card-loss ticket; the citizen receives the result', async () => {
  await rig.ask(M1, `BD#${ZHANG}#802613`);
  const requestNo = /受理号(GS\d+)/.exec(await rig.ask(M1, 'LSGS#'))?.[1];
  assert.ok(requestNo);
  const user = await addConsoleUser(rig.platform, 'handler.li', ['case-handler']);
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, user);
  await gotoPage(page, 'tickets');

  const table = page.getByTestId('tickets-table');
  const row = table.locator('tr', { hasText: requestNo });
  await row.waitFor();
  assert.match(await row.innerText(), /社保卡挂失[\s\S]*138\*\*\*\*8000[\s\S]*张\*丰[\s\S]*待处理/);
  assert.ok(!(await table.innerText()).includes(ZHANG), 'the SSN is shown masked');
  await page.getByTestId(`take-${requestNo}`).click();
  await page.getByText(`已接单：${requestNo}`).waitFor();

  await page.getByRole('tab', { name: /处理中/ }).click();
  await table.locator('tr', { hasText: 'handler.li' }).waitFor();
  // The handler who took it sees the whole identity, on request.
  await page.getByTestId(`identity-${requestNo}`).click();
  const identity = page.getByTestId('ticket-identity');
  await identity.filter({ hasText: ZHANG }).waitFor();
  assert.match(await identity.innerText(), /张三丰[\s\S]*13800138000/);
  await page.keyboard.press('Escape');
  await identity.waitFor({ state: 'detached' });
  await page.getByTestId(`complete-${requestNo}`).click();
  const preview = page.getByTestId('ticket-sms-preview');
  await preview.filter({ hasText: requestNo }).waitFor();
  const expected = await preview.innerText();
  assert.ok(expected.startsWith(SIGNATURE) && expected.includes('已临时挂失'), expected);
  await page.getByText('未能办理（退回）').click();
  await page.getByTestId('ticket-result-text').locator('input').fill('身份信息不符');
  await preview.filter({ hasText: '身份信息不符' }).waitFor();
  await page.locator('.ant-modal').getByText('办理成功').click();
  await preview.filter({ hasText: '已临时挂失' }).waitFor();
  await screenshot(page, 'tickets');
  await page.getByRole('button', { name: /确认办结并通知市民/ }).click();
  await page.getByText('已办结，结果短信已发送给市民').waitFor();

  assert.equal(SIGNATURE + (await rig.nth(M1, 3)), expected, "the handset's inbox has the result");
  await page.getByRole('tab', { name: /已办结/ }).click();
  await table.locator('tr', { hasText: requestNo }).filter({ hasText: '办理成功' }).waitFor();

  // The same phone on the Handset page: the result is there, and a command gets its reply.
  await gotoPage(page, 'handset');
  const chat = page.getByTestId('handset-chat');
  await chat.getByTestId('bubble-in').filter({ hasText: '已临时挂失' }).waitFor();
  await page.getByTestId('command-CBXX').click();
  assert.equal(await page.getByTestId('handset-text').inputValue(), 'CBXX#');
  await page.getByTestId('handset-send').click();
  await chat.getByTestId('bubble-out').filter({ hasText: 'CBXX#' }).waitFor();
  await chat.getByTestId('bubble-in').nth(3).waitFor({ timeout: 20_000 });
  assert.equal((await rig.inbox(M1)).length, 4);
  await screenshot(page, 'handset');
});

test('an operator creates and sends a survey and sees a handset answer in the live result chart', async () => {
  const M2 = '13800138002';
  const user = await addConsoleUser(rig.platform, 'op.wang', ['operator']);
  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, user);
  await gotoPage(page, 'surveys');
  await page.getByTestId('surveys-table').waitFor();

  await page.getByTestId('survey-add').click();
  await page.getByLabel('调查名称').fill('社保服务满意度调查');
  await page.getByLabel('开场白').fill('您好，');
  await page.getByTestId('question-0').fill('您对社保卡办理是否满意？');
  await page.getByTestId('option-0-0').fill('满意');
  await page.getByTestId('option-0-1').fill('基本满意');
  await page.getByTestId('add-option-0').click();
  await page.getByTestId('option-0-2').fill('不满意');
  await page.getByTestId('survey-create-submit').click();

  await page.getByTestId('survey-mobiles').fill(`${M2}\n12345`);
  await page
    .locator('.ant-modal')
    .getByRole('button', { name: /发\s*送/ })
    .click();
  const summary = page.getByTestId('survey-send-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /已排队发送\s+1[\s\S]*无效号码\s+1/);
  assert.match(await page.getByTestId('survey-send-progress').innerText(), /已处理 2 \/ 2/);
  await page.locator('.ant-modal-footer').getByRole('button', { name: '关 闭', exact: true }).click();

  const question = await rig.nth(M2, 1);
  assert.equal(question, '您好，您对社保卡办理是否满意？回复1满意,2基本满意,3不满意');
  const id = await page
    .getByTestId('surveys-table')
    .locator('[data-testid^="survey-results-"]')
    .first()
    .getAttribute('data-testid');
  await page.getByTestId(id ?? '').click();
  await page.getByTestId('question-answered-1').filter({ hasText: '有效答复 0 人' }).waitFor();
  // The citizen answers; the open drawer picks it up by itself.
  const res = await fetch(`${rig.controlUrl}/sim/mo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: M2, to: SERVICE_NUMBER, text: '2' }),
  });
  assert.ok(res.ok);
  await page
    .getByTestId('question-answered-1')
    .filter({ hasText: '有效答复 1 人 · 答复率 100.0%' })
    .waitFor();
  assert.equal(await rig.nth(M2, 2), '调查已完成，感谢您的参与！');
  await page.getByTestId('survey-chart-1').locator('canvas').waitFor();
  await screenshot(page, 'surveys');
});
