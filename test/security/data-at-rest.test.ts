/**
 * No whole SSN, name or service password at rest (docs/data-protection.md): the README's citizen
 * exchange played through a real platform on SQLite, then every file of its data folder (database,
 * WAL, shared memory, log), and a decrypted backup of it, searched for what the citizen sent. Also
 * the files' modes, their tightening at start, and the migration that masks older databases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { runCli } from '../../src/bench/processes.js';
import { generateBackupKey } from '../../src/store/backup-keys.js';
import { migrate, openDatabase } from '../../src/store/connect.js';
import { backupLines } from '../../src/store/restore.js';
import { person, startCitizenRig, withCheck } from '../helpers/citizen.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { TEST_DATA_KEY } from '../helpers/platform.js';

// The README's "市民短信指令" exchange, with its person.
const SSN = withCheck('21010219800101123');
const NAME = '张三丰';
const PASSWORD = '802613';
const MOBILE = '13800138000';
const EXCHANGE = [
  `BD#${SSN}#${PASSWORD}`,
  'cbxx',
  'YLZHYE#',
  `LSGS#${NAME}`,
  `BD#${SSN}#000000`,
  '你好',
  `CBXX#${NAME}`,
  `QXBD#${SSN}`,
];
const SECRETS = [SSN, NAME, PASSWORD, `${SSN}#000000`];

test('sqlite: after the README exchange no file of the data folder, no log line and no decrypted backup holds the SSN, name or password whole', async (t) => {
  const target = await createTestDatabase('sqlite');
  t.after(() => target.drop());
  const dataDir = dirname(target.url.slice('sqlite:'.length));
  const logFile = join(dataDir, 'platform.log');
  const logger = pino({ level: 'trace' }, pino.destination({ dest: logFile, sync: true }));
  const rig = await startCitizenRig(
    'sqlite',
    [
      person(SSN, NAME, PASSWORD, {
        insurances: [{ type: '企业职工基本养老保险', status: '正常参保' }],
        pensionBalanceCents: 1_234_567,
        pensionAsOf: '2026-10',
      }),
    ],
    { logger, databaseUrl: target.url },
  );
  t.after(() => rig.close());

  const answers: string[] = [];
  for (const text of EXCHANGE) answers.push(await rig.ask(MOBILE, text));
  assert.match(answers[0]!, /^张\*丰\(2101\*{10}\d{3}[\dX]\)已与本机绑定/);
  assert.match(answers[3]!, /已受理张\*丰社保卡临时挂失/);
  assert.match(answers[4]!, /服务密码错误/);

  const stored = await rig.platform.handle.db
    .selectFrom('uplink_messages')
    .select('text')
    .orderBy('id')
    .execute();
  assert.equal(stored[0]?.text, `BD#${SSN.slice(0, 4)}**********${SSN.slice(-4)}#******`);
  assert.equal(stored[3]?.text, 'LSGS#张*丰');

  // A backup of it, decrypted in memory.
  const { identityText, recipient } = await generateBackupKey(new Date());
  const keyDir = mkdtempSync(join(tmpdir(), 'sms12333-keys-'));
  t.after(() => rmSync(keyDir, { recursive: true, force: true }));
  const idFile = join(keyDir, 'id.txt');
  writeFileSync(idFile, identityText, { mode: 0o600 });
  const pub = `${idFile}.pub`;
  writeFileSync(pub, `${recipient}\n`);
  const out = `${idFile}.age`;
  const child = runCli(['backup', '--out', out, '--recipient', pub], {
    SMS12333_DATABASE_URL: target.url,
    SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
  });
  assert.equal(await child.exited, 0, child.stderr());
  let decrypted = '';
  for await (const line of await backupLines(out, [identityText.trim().split('\n').at(-1)!]))
    decrypted += `${line}\n`;
  assert.ok(decrypted.includes('"uplink_messages"'), 'the backup holds the uplinks');

  const files = readdirSync(dataDir);
  assert.ok(
    files.some((f) => f.endsWith('-wal')),
    'the WAL is searched too',
  );
  for (const secret of SECRETS) {
    for (const f of files)
      assert.ok(
        !readFileSync(join(dataDir, f)).includes(Buffer.from(secret, 'utf8')),
        `${secret} whole in ${f}`,
      );
    assert.ok(!decrypted.includes(secret), `${secret} whole in the decrypted backup`);
  }
  assert.ok(readFileSync(logFile, 'utf8').length > 0, 'the platform logged');
});

test('sqlite: the database folder is 0700 and its files 0600, tightened at start with a notice', async (t) => {
  const target = await createTestDatabase('sqlite');
  t.after(() => target.drop());
  const path = target.url.slice('sqlite:'.length);
  const first = await openDatabase(target.url);
  await first.close();
  assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  chmodSync(path, 0o644);
  chmodSync(dirname(path), 0o755);
  const again = await openDatabase(target.url);
  t.after(() => again.close());
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600);
  assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  assert.equal(again.notices.length, 2, again.notices.join('\n'));
  assert.match(again.notices.join('\n'), /0644 to 0600/);
});

for (const dialect of DIALECTS) {
  test(`${dialect}: the migration masks SSNs, names and passwords older versions stored`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const handle = await openDatabase(target.url, { migrate: false });
    t.after(() => handle.close());
    await migrate(handle, '0013-uplink-search');
    const row = (id: number, text: string, appId: number | null) => ({
      id,
      gateway_id: 'g',
      carrier_msg_id: String(id),
      mobile: MOBILE,
      dest_id: '1065712333',
      ext: '',
      app_id: appId,
      text,
      received_at: 1,
      status: 'NEW',
      handled_at: 1,
    });
    await handle.db
      .insertInto('uplink_messages')
      .values([
        row(1, `BD#${SSN}#******`, null),
        row(2, `CBXX#${NAME}`, null),
        row(3, `我的身份证是${SSN}`, 7),
        row(4, 'TD#', null),
      ])
      .execute();
    await handle.db
      .insertInto('citizen_requests')
      .values({
        id: 5,
        uplink_id: 1,
        mobile: MOBILE,
        command: 'BD',
        text_masked: `BD#${SSN}#******`,
        outcome: 'bound',
        reply_key: null,
        reply_message_id: null,
        created_at: 1,
      })
      .execute();
    await migrate(handle);
    const texts = (await handle.db.selectFrom('uplink_messages').select('text').orderBy('id').execute()).map(
      (r) => r.text,
    );
    const masked = `${SSN.slice(0, 4)}**********${SSN.slice(-4)}`;
    assert.deepEqual(texts, [`BD#${masked}#******`, 'CBXX#张*丰', `我的身份证是${masked}`, 'TD#']);
    const request = await handle.db
      .selectFrom('citizen_requests')
      .select('text_masked')
      .executeTakeFirstOrThrow();
    assert.equal(request.text_masked, `BD#${masked}#******`);
    if (dialect === 'sqlite') {
      const path = target.url.slice('sqlite:'.length);
      for (const f of [path, `${path}-wal`])
        assert.ok(!readFileSync(f).includes(Buffer.from(SSN)), `the old text left ${f}`);
    }
  });
}
