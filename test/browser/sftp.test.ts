/**
 * An account's SFTP batch interface on the console, in a real browser (docs/sftp.md "On the
 * console"): the system administrator opens the account's SFTP drawer from the Integration page,
 * adds a public key and sees its fingerprint (as ssh-keygen prints it); the business system uploads
 * a file with that key through OpenSSH's sftp, and the drawer shows the file — rows accepted and
 * refused, its state, the result file written back — and the login; wrong SFTP passwords lock the
 * address, the lock shows in the drawer and is lifted there; a password is set; the changes are
 * audited with the key's fingerprint and without the password; the drawer reads in English too; the
 * auditor finds the SFTP refusals and the lock in the interface access log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { gotoPage, launchBrowser, loginAs, openConsole, screenshot } from '../helpers/browser.js';
import { addConsoleUser, consoleLogin, type ConsoleClient } from '../helpers/console.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { runSftp, sshLogin } from '../helpers/sftp.js';

const run = promisify(execFile);
const SFTP_PASSWORD = 'Sftp-Pass-9';

let rig: TestPlatform;
let browser: Browser;
let admin: Page;
let auditorApi: ConsoleClient;
let dir = '';

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sms12333-sftp-browser-'));
  rig = await startTestPlatform('sqlite', {
    config: {
      console: { enabled: true, port: 0 },
      interface: { host: '127.0.0.1', port: 0, passwordFailureLimit: 2 },
      sftp: {
        enabled: true,
        port: 0,
        hostKeyFile: join(dir, 'host'),
        dir: join(dir, 'accounts'),
        pollMs: 100,
      },
    },
  });
  browser = await launchBrowser();
  const consoleUrl = rig.platform.consoleUrl ?? '';
  const sys = await addConsoleUser(rig.platform, 'zhao.sys', ['system-admin'], { totp: true });
  const aud = await addConsoleUser(rig.platform, 'qian.audit', ['auditor'], { totp: true });
  auditorApi = await consoleLogin(consoleUrl, aud);
  admin = await openConsole(browser, consoleUrl);
  await loginAs(admin, sys);
});
test.after(async () => {
  await rig.close();
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SFTP drawer: a key added, a file and a login seen, a lock lifted, a password set (audited)', async () => {
  const port = rig.platform.sftp?.port ?? 0;
  const key = join(dir, 'hrss_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hrss@business', '-f', key]);
  const fingerprint = (await run('ssh-keygen', ['-lf', `${key}.pub`])).stdout.split(' ')[1] ?? '';
  assert.match(fingerprint, /^SHA256:/);

  await gotoPage(admin, 'integration');
  await admin.getByTestId('sftp-hrss').click();
  const drawer = admin.getByTestId('sftp-drawer');
  await drawer.getByText('尚未登记公钥').waitFor();
  await drawer.getByText(`连接：sftp -P ${port} hrss@平台地址`, { exact: false }).waitFor();
  await admin.getByTestId('sftp-new-key').fill(readFileSync(`${key}.pub`, 'utf8').trim());
  await admin.getByTestId('sftp-add-key').click();
  await admin.getByText('已添加公钥').waitFor();
  await admin.getByTestId('sftp-keys').getByText(fingerprint).waitFor();
  await admin.getByTestId('sftp-keys').getByText('hrss@business').waitFor();

  // The business system uploads with that key: one good row, one bad number.
  writeFileSync(join(dir, 'notice.csv'), 'mobile,content\n13800138000,养老金已发放\n12345,号码不对\n');
  const up = await runSftp(
    port,
    'hrss',
    key,
    ['put notice.csv inbox/notice.csv.part', 'rename inbox/notice.csv.part inbox/notice.csv'],
    dir,
  );
  assert.equal(up.code, 0, up.out);
  const files = admin.getByTestId('sftp-files');
  const row = files.locator('tr', { hasText: 'notice.csv' }).first();
  await row.getByText('notice.csv.result.csv').waitFor({ timeout: 20_000 });
  const cells = await row.locator('td').allInnerTexts();
  assert.match(cells[1] ?? '', /已受理|已回执/);
  assert.deepEqual(cells.slice(2, 5), ['2', '1', '1'], 'rows, accepted, refused');
  await admin
    .getByTestId('sftp-logins')
    .locator('tr', { hasText: '公钥' })
    .filter({ hasText: '成功' })
    .first()
    .waitFor();

  // Wrong SFTP passwords lock this address; the drawer shows the lock and lifts it.
  await admin.getByTestId('sftp-new-password').fill(SFTP_PASSWORD);
  await admin.getByTestId('sftp-set-password').click();
  await admin.getByText('已设置 SFTP 密码').waitFor();
  await admin.getByTestId('sftp-password-state').filter({ hasText: '已设置' }).waitFor();
  for (let i = 0; i < 2; i++)
    assert.equal(await sshLogin(port, { username: 'hrss', password: 'wrong-password' }), false);
  assert.equal(
    await sshLogin(port, { username: 'hrss', password: SFTP_PASSWORD }),
    false,
    'locked: the right password is refused too',
  );
  const lock = admin.getByTestId('sftp-unlock-sftp-127.0.0.1');
  await lock.waitFor({ timeout: 10_000 });
  await admin
    .getByTestId('sftp-logins')
    .getByText(/已锁定至/)
    .first()
    .waitFor();
  await screenshot(admin, 'sftp-drawer');
  await lock.click();
  await admin.getByText('已解除锁定').waitFor();
  await admin.getByTestId('sftp-locks').getByText('没有锁定').waitFor();
  assert.equal(await sshLogin(port, { username: 'hrss', password: SFTP_PASSWORD }), true);

  const audited = await auditorApi.get<{
    entries: { target: string; detail: Record<string, unknown> | null }[];
  }>('audit?action=app.sftp');
  const details = audited.json.entries.map((e) => e.detail);
  assert.ok(
    details.some((d) => JSON.stringify(d?.keysAdded) === JSON.stringify([fingerprint])),
    JSON.stringify(details),
  );
  assert.ok(details.some((d) => d?.passwordSet === true));
  assert.ok(!JSON.stringify(audited.json).includes(SFTP_PASSWORD), 'no password in the audit log');
  const unlocked = await auditorApi.get<{ total: number }>('audit?action=app.unlock');
  assert.equal(unlocked.json.total, 1);

  // The same drawer in English, switched on the page.
  await admin.keyboard.press('Escape');
  await admin.getByTestId('sftp-drawer').waitFor({ state: 'detached' });
  await admin.getByText('English', { exact: true }).click();
  await admin.getByTestId('sftp-hrss').filter({ hasText: 'SFTP settings and activity' }).click();
  await admin.getByTestId('sftp-drawer').getByText('Files received').waitFor();
  await admin
    .getByTestId('sftp-files')
    .getByText(/^(Admitted|Reported)$/)
    .waitFor();

  // The auditor finds the SFTP refusals and the lock in the interface access log.
  const log = await auditorApi.get<{ entries: { path: string; code: number; msg: string | null }[] }>(
    'interface-log?appName=hrss&path=sftp%3A*&refused=true',
  );
  assert.equal(log.json.entries.length, 3, JSON.stringify(log.json));
  assert.ok(log.json.entries.every((e) => e.path === 'sftp:password' && e.code === 8));
  assert.ok(log.json.entries.some((e) => /已锁定至/.test(e.msg ?? '')));
});
