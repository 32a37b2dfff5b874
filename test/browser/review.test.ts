/**
 * Sensitive words and review in a real browser: the security administrator lists review words from
 * a file on the Words page; an operator proposes a block word there, which the security
 * administrator approves on the change-approval page (docs/security.md §7) before it is in force;
 * a business system's batch with a review word is held; a reviewer approves it on the Review page
 * with a note and the handsets receive it (simulator inbox).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { addConsoleUser } from '../helpers/console.js';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { startCitizenRig, type CitizenRig } from '../helpers/citizen.js';
import { eventually } from '../helpers/platform.js';

const M1 = '13800138011';
const M2 = '13800138012';

let rig: CitizenRig;
let browser: Browser;

test.before(async () => {
  rig = await startCitizenRig('sqlite', [], { config: { console: { enabled: true, port: 0 } } });
  browser = await launchBrowser();
});
test.after(async () => {
  // The platform first, so a browser that failed to start cannot leave the server open.
  await rig.close();
  await browser.close();
});

test('an operator’s proposed word is approved; a batch held by a review word is approved and delivered', async () => {
  const url = rig.platform.consoleUrl ?? '';
  const sec = await openConsole(browser, url);
  await loginAs(sec, await addConsoleUser(rig.platform, 'li.sec', ['security-admin'], { totp: true }));
  await gotoPage(sec, 'words');
  await sec.getByRole('button', { name: /添加敏感词/ }).click();
  const dialog = sec.locator('.ant-modal');
  // Imported from a word-list file: the first column of each line.
  await dialog.locator('input[type=file]').setInputFiles({
    name: '敏感词.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\uFEFF高息理财,金融\r\n"内部渠道",其他\r\n\r\n'),
  });
  await sec.getByText('已从 敏感词.csv 读入 2 个词').waitFor();
  assert.equal(await dialog.getByTestId('word-input').inputValue(), '高息理财\n内部渠道');
  await dialog.getByText('人工审核', { exact: true }).click();
  await dialog.getByRole('button', { name: /确\s*定/ }).click();
  await sec.getByText('已添加 2 个').waitFor();
  await dialog.waitFor({ state: 'hidden' });

  // An operator proposes a block word: it is not in force until approved.
  const ops = await openConsole(browser, url);
  await loginAs(ops, await addConsoleUser(rig.platform, 'li.op', ['operator']));
  await gotoPage(ops, 'words');
  await ops.getByText(/您的添加、修改和删除将提交审批/).waitFor();
  await ops.getByRole('button', { name: /添加敏感词/ }).click();
  await ops.locator('.ant-modal').getByTestId('word-input').fill('代开发票');
  await ops
    .locator('.ant-modal')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await ops.getByText('已提交安全管理员审批，批准后生效').waitFor();
  await ops.locator('.ant-modal').waitFor({ state: 'hidden' });
  assert.equal(await ops.locator('.ant-table').getByText('代开发票').count(), 0, 'not listed yet');
  await gotoPage(ops, 'proposals');
  await ops.locator('.ant-table-row', { hasText: '代开发票' }).getByText('待审批').waitFor();
  await ops.context().close();

  await gotoPage(sec, 'proposals');
  const proposal = sec.locator('.ant-table-row', { hasText: '代开发票' });
  await proposal.waitFor();
  assert.match(await proposal.innerText(), /添加敏感词[\s\S]*代开发票[\s\S]*拦截[\s\S]*li\.op/);
  await screenshot(sec, 'proposals');
  await proposal.getByRole('button', { name: /批\s*准/ }).click();
  await sec
    .locator('.ant-popconfirm')
    .getByRole('button', { name: /确\s*定/ })
    .click();
  await sec.getByText('已批准，变更已生效').waitFor();
  await proposal.waitFor({ state: 'detached' });

  await gotoPage(sec, 'words');
  const table = sec.locator('.ant-table');
  await table.getByText('代开发票').waitFor();
  await sec.getByTestId('word-test-text').fill('本月推出 高-息 理财 产品，可代开 发票');
  await sec.getByRole('button', { name: /检\s*测/ }).click();
  await sec.getByTestId('word-test-verdict').getByText('命中拦截词：代开发票').waitFor();
  assert.equal(await sec.getByTestId('word-hit').count(), 2);
  await screenshot(sec, 'words');
  await sec.context().close();

  // The business system's batch: held, not delivered.
  const res = await rig.post('/api/sms/send', {
    appName: rig.appName,
    password: rig.password,
    mobiles: `${M1},${M2}`,
    content: '您好，本中心推出高息理财服务，详询 12333。',
  });
  const answer = res.json as { code: number; heldForReview?: boolean; msgIds: { status: string }[] };
  assert.equal(answer.code, 1);
  assert.equal(answer.heldForReview, true);
  assert.deepEqual(
    answer.msgIds.map((m) => m.status),
    ['HELD', 'HELD'],
  );
  assert.equal((await rig.inbox(M1)).length, 0);

  const page = await openConsole(browser, rig.platform.consoleUrl ?? '');
  await loginAs(page, await addConsoleUser(rig.platform, 'zhao.rev', ['reviewer']));
  await gotoPage(page, 'review');
  const row = page.locator('.ant-table-row', { hasText: '高息理财' });
  await row.waitFor();
  await row.locator('mark', { hasText: '高息理财' }).waitFor();
  assert.match(await row.innerText(), /敏感词/);
  assert.ok(!(await page.locator('.ant-table').innerText()).includes(M1), 'no whole number on the page');
  await screenshot(page, 'review');
  await row.getByRole('button', { name: /通\s*过/ }).click();
  const modal = page.locator('.ant-modal');
  await modal.getByTestId('review-note').fill('已核实为正规理财宣传');
  await modal.getByRole('button', { name: /通\s*过/ }).click();
  await page.getByText('已通过，短信进入发送队列').waitFor();
  await page.getByText('暂无待审核的发送').waitFor();

  const delivered = await eventually(
    async () => {
      const [a, b] = await Promise.all([rig.inbox(M1), rig.inbox(M2)]);
      return a.length > 0 && b.length > 0 ? a : undefined;
    },
    20_000,
    'the approved batch in the handsets',
  );
  assert.match(JSON.stringify(delivered), /高息理财服务/);

  await page.getByText(/已处理/).click();
  const decided = page.locator('.ant-table-row', { hasText: '高息理财' });
  await decided.getByText('已通过').waitFor();
  await decided.getByText('zhao.rev').waitFor();
  await page.context().close();
});
