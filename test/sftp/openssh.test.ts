/**
 * The SFTP batch interface driven by OpenSSH's own `sftp` client (docs/sftp.md): key login, a CSV and
 * an .xlsx uploaded as `.part` and renamed give result and report files in `outbox/`; a malformed file
 * gives an error file and sends nothing; the same file again sends nothing; `..` and links stay inside
 * the account's folder; a second account (its key registered on the console) sees none of the first's
 * files; replies land in `outbox/`; the console lists the account's files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { setSftpCredentials } from '../../src/store/sftp.js';
import { createTestApp } from '../helpers/apps.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { eventually, startTestPlatform } from '../helpers/platform.js';
import { runSftp as sftp } from '../helpers/sftp.js';

const run = promisify(execFile);

async function keyPair(dir: string, name: string): Promise<{ file: string; pub: string }> {
  const file = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { file, pub: readFileSync(`${file}.pub`, 'utf8').trim() };
}

async function messagesOf(db: Parameters<typeof createTestApp>[0], appId: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('app_id', '=', appId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test('OpenSSH sftp: files in, results and reports out, nothing outside the folder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-sftp-'));
  const root = join(dir, 'accounts');
  const rig = await startTestPlatform('sqlite', {
    config: {
      sftp: { enabled: true, port: 0, hostKeyFile: join(dir, 'keys', 'host'), dir: root, pollMs: 100 },
      console: { enabled: true, port: 0 },
    },
  });
  t.after(async () => {
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { platform } = rig;
  const service = platform.sftp;
  assert.ok(service, 'sftp listener started');
  assert.equal(statSync(join(dir, 'keys', 'host')).mode & 0o777, 0o600, 'host key is private');
  const db = platform.handle.db;
  const hrss = await createTestApp(db, 'hrss', { balance: 10_000 });
  const hr2 = await createTestApp(db, 'hr2', { balance: 10_000 });
  const k1 = await keyPair(dir, 'k1');
  const k2 = await keyPair(dir, 'k2');
  await setSftpCredentials(db, hrss.id, { publicKeys: [k1.pub] }, Date.now());
  // The second account's key is registered on the console, as a system administrator does it.
  const admin = await consoleLogin(
    platform.consoleUrl ?? '',
    await addConsoleUser(platform, 'sys', ['system-admin'], { totp: true }),
  );
  const refused = await admin.put(`apps/${hr2.id}/sftp`, { publicKeys: ['not a key'] });
  assert.equal(refused.status, 400);
  const put = await admin.put(`apps/${hr2.id}/sftp`, { publicKeys: [k2.pub], password: 'Sftp-Pass-2' });
  assert.equal(put.status, 200, JSON.stringify(put.json));
  assert.deepEqual(put.json, { publicKeys: [k2.pub], hasPassword: true });

  // UTF-8 with a BOM, a bad number on line 3.
  writeFileSync(
    join(dir, 'a.csv'),
    '\uFEFFmobile,content\r\n13800138000,您的社保卡已制作完成\r\n1380013,号码不对\r\n13900139000,请到经办网点领取\r\n',
  );
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名单');
  sheet.addRow(['手机号码', 'content']);
  sheet.addRow(['13700137000', '养老金已发放']);
  sheet.addRow(['13600136000', '养老金已发放']);
  await book.xlsx.writeFile(join(dir, 'b.xlsx'));
  // Line 3 opens a quote it never closes.
  writeFileSync(join(dir, 'bad.csv'), 'mobile,content\n13500135000,好的\n13500135001,"未闭合\n');
  writeFileSync(join(dir, 'x'), 'escape attempt\n');

  const up = await sftp(
    service.port,
    'hrss',
    k1.file,
    [
      'put a.csv inbox/a.csv.part',
      'rename inbox/a.csv.part inbox/a.csv',
      'put b.xlsx inbox/b.xlsx.part',
      'rename inbox/b.xlsx.part inbox/b.xlsx',
      'put bad.csv inbox/bad.csv.part',
      'rename inbox/bad.csv.part inbox/bad.csv',
      '-put x ../../escape',
      '-put x /../../../escape2',
      '-put x inbox/../../escape3',
      '-symlink /etc/passwd inbox/passwd',
      '-ln -s /etc inbox/etc',
      '-mkdir inbox/sub',
      '-get /etc/passwd passwd-copy',
      '-get ../../../../etc/passwd passwd-copy',
    ],
    dir,
  );
  assert.equal(up.code, 0, up.out);

  const outbox = join(root, 'hrss', 'outbox');
  await eventually(
    () =>
      ['a.csv.result.csv', 'b.xlsx.result.csv', 'bad.csv.error.txt'].every((f) => existsSync(join(outbox, f)))
        ? true
        : undefined,
    20_000,
    'result and error files',
  );
  const result = readFileSync(join(outbox, 'a.csv.result.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  assert.equal(result[0], 'line,mobile,code,msg,msgId');
  assert.match(result[1] ?? '', /^2,13800138000,1,OK,\d+$/);
  assert.match(result[2] ?? '', /^3,1380013,2,请求参数格式错误：mobiles 含有无效号码 1380013,$/);
  assert.match(result[3] ?? '', /^4,13900139000,1,OK,\d+$/);
  const xlsx = readFileSync(join(outbox, 'b.xlsx.result.csv'), 'utf8').trim().split(/\r?\n/);
  assert.equal(xlsx.length, 3);
  assert.match(xlsx[1] ?? '', /^2,13700137000,1,OK,\d+$/);
  const error = readFileSync(join(outbox, 'bad.csv.error.txt'), 'utf8');
  assert.match(error, /行 \(line\): 3/);
  assert.match(error, /未发送/);
  // Four numbers sent: two from the CSV, two from the workbook; none from the malformed file.
  assert.equal(await messagesOf(db, hrss.id), 4);

  await eventually(
    () =>
      existsSync(join(outbox, 'a.csv.report.csv')) && existsSync(join(outbox, 'b.xlsx.report.csv'))
        ? true
        : undefined,
    20_000,
    'report files',
  );
  const report = readFileSync(join(outbox, 'a.csv.report.csv'), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  assert.equal(report[0], 'line,mobile,msgId,status,stat,doneTime');
  assert.equal(report.length, 3);
  assert.match(report[1] ?? '', /^2,13800138000,\d+,DELIVERED,DELIVRD,\d{4}-/);

  // Nothing landed outside the account's folder, and no link exists inside it.
  for (const name of ['escape', 'escape2', 'escape3'])
    for (const where of [dir, root, join(root, 'hrss'), join(root, 'hrss', 'inbox'), join(dir, '..')])
      assert.equal(existsSync(join(where, name)), false, `${name} in ${where}`);
  for (const name of readdirSync(join(root, 'hrss', 'inbox')))
    assert.equal(lstatSync(join(root, 'hrss', 'inbox', name)).isSymbolicLink(), false);
  assert.deepEqual(readdirSync(join(root, 'hrss', 'inbox')), []);
  assert.equal(existsSync(join(dir, 'passwd-copy')), false, 'nothing read from outside the folder');

  // A citizen answers the account's extension code: the reply lands in its outbox too.
  await rig.sim.injectMo({ from: '13800138000', to: '106571233301', text: '收到，谢谢' });
  const replies = await eventually(
    () => readdirSync(outbox).find((f) => f.startsWith('replies-')),
    20_000,
    'a replies file',
  );
  const reply = readFileSync(join(outbox, replies), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/);
  assert.equal(reply[0], 'replyId,mobile,extCode,subExtCode,text,receivedTime');
  assert.match(reply[1] ?? '', /^\d+,13800138000,01,,收到，谢谢,\d{4}-/);

  // The console shows the account's SFTP activity.
  const activity = await admin.get<{ files: { name: string; status: string; rows: number }[] }>(
    `apps/${hrss.id}/sftp`,
  );
  assert.deepEqual(activity.json.files.map((f) => [f.name, f.status, f.rows]).sort(), [
    ['a.csv', 'reported', 3],
    ['b.xlsx', 'reported', 2],
    ['bad.csv', 'rejected', 0],
  ]);

  // The client reads its answers over SFTP.
  const got = await sftp(service.port, 'hrss', k1.file, ['get outbox/a.csv.result.csv got.csv'], dir);
  assert.equal(got.code, 0, got.out);
  assert.equal(
    readFileSync(join(dir, 'got.csv'), 'utf8'),
    readFileSync(join(outbox, 'a.csv.result.csv'), 'utf8'),
  );

  // The same file again: an error file says so, nothing is sent.
  rmSync(join(outbox, 'a.csv.result.csv'));
  const again = await sftp(
    service.port,
    'hrss',
    k1.file,
    ['put a.csv inbox/a.csv.part', 'rename inbox/a.csv.part inbox/a.csv'],
    dir,
  );
  assert.equal(again.code, 0, again.out);
  await eventually(
    () => (existsSync(join(outbox, 'a.csv.error.txt')) ? true : undefined),
    20_000,
    'duplicate note',
  );
  assert.match(readFileSync(join(outbox, 'a.csv.error.txt'), 'utf8'), /已处理过，未再次发送/);
  assert.equal(await messagesOf(db, hrss.id), 4);

  // The second account sees only its own (empty) folder, and cannot reach the first's.
  const listing = await sftp(
    service.port,
    'hr2',
    k2.file,
    ['ls -la inbox', 'ls -la outbox', 'ls -la /'],
    dir,
  );
  assert.equal(listing.code, 0, listing.out);
  assert.doesNotMatch(listing.out, /\.csv|\.xlsx|\.txt|hrss/);
  const reach = await sftp(
    service.port,
    'hr2',
    k2.file,
    ['-get ../hrss/outbox/b.xlsx.result.csv stolen.csv', '-get /hrss/outbox/b.xlsx.result.csv stolen.csv'],
    dir,
  );
  assert.equal(reach.code, 0, reach.out);
  assert.equal(existsSync(join(dir, 'stolen.csv')), false);
  // An account whose whitelist leaves out the caller's address cannot log in, even with its key.
  const far = await createTestApp(db, 'far', { ipWhitelist: ['10.0.0.0/8'] });
  await setSftpCredentials(db, far.id, { publicKeys: [k1.pub] }, Date.now());
  const outside = await sftp(service.port, 'far', k1.file, ['ls'], dir);
  assert.notEqual(outside.code, 0);
  assert.equal(existsSync(join(root, 'far')), false);
  // The first account's key does not open the second account.
  const wrong = await sftp(service.port, 'hr2', k1.file, ['ls'], dir);
  assert.notEqual(wrong.code, 0);
});
