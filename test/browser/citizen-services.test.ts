/**
 * Citizen services in a real browser (issue 5): a case handler takes and completes a card-loss
 * ticket on the Tickets page and the citizen's handset receives the result — in the simulator's
 * inbox and on the Handset page; an operator creates and sends a survey and sees a handset's
 * answer in the live result chart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { person, SIGNATURE, startCitizenRig, withCheck, type CitizenRig } from '../helpers/citizen.js';

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
  await browser.close();
  await rig.close();
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
