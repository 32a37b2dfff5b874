/**
 * Backups and restores as an operator runs them (docs/deploy.md "Backups", "Restore drill"): the
 * `backup` command against a platform that is sending and answering citizens, `restore` into new
 * databases of both kinds, a platform served from each; and every way a restore must refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, deriveAuditKey } from '../../src/audit/log.js';
import { runCli } from '../../src/bench/processes.js';
import { maskName } from '../../src/domain/ssn.js';
import { generateBackupKey } from '../../src/store/backup-keys.js';
import { openDatabase } from '../../src/store/connect.js';
import { addNumbers, listNumbers } from '../../src/store/number-lists.js';
import { addSensitiveWord, listSensitiveWords } from '../../src/store/sensitive-words.js';
import { person, SERVICE_NUMBER, startCitizenRig, withCheck, type CitizenRig } from '../helpers/citizen.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { eventually, TEST_DATA_KEY } from '../helpers/platform.js';

const PEOPLE = [
  person(withCheck('21010219800101123'), '张三丰', '802613', {
    insurances: [{ type: '基本医疗保险', status: '正常参保' }],
  }),
  person(withCheck('21020319900315201'), '李秀英', '246813'),
  person(withCheck('21030419851120402'), '王建国', '975312'),
  person(withCheck('21040519700707603'), '赵敏', '135790'),
  person(withCheck('21050619950505804'), '欧阳娜娜', '864202'),
];
const handsets = PEOPLE.map((_, i) => `1391234000${i}`);

async function mo(rig: CitizenRig, from: string, text: string): Promise<void> {
  const res = await fetch(`${rig.controlUrl}/sim/mo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to: SERVICE_NUMBER, text }),
  });
  assert.ok(res.ok, await res.text());
}

/**
 * The answer the platform queued for a text: read from its outbox, because the restored queue's
 * thousands of notices go out first and the handset would wait for them.
 */
async function queuedAnswer(rig: CitizenRig, from: string, text: string): Promise<string> {
  const db = rig.platform.handle.db;
  const seen = await db.selectFrom('citizen_requests').select('id').where('mobile', '=', from).execute();
  await mo(rig, from, text);
  const messageId = await eventually(
    async () =>
      (
        await db
          .selectFrom('citizen_requests')
          .select('reply_message_id')
          .where('mobile', '=', from)
          .where('id', 'not in', [0, ...seen.map((s) => s.id)])
          .executeTakeFirst()
      )?.reply_message_id ?? undefined,
    30_000,
    `the answer to ${text}`,
  );
  const row = await db
    .selectFrom('messages')
    .innerJoin('batches', 'batches.id', 'messages.batch_id')
    .select('batches.content')
    .where('messages.id', '=', messageId)
    .executeTakeFirstOrThrow();
  return row.content;
}

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

async function keys(dir: string, name = 'backup'): Promise<{ identity: string; recipient: string }> {
  const { identityText, recipient } = await generateBackupKey(new Date());
  const identity = join(dir, `${name}.key`);
  writeFileSync(identity, identityText, { mode: 0o600 });
  writeFileSync(join(dir, `${name}.pub`), `${recipient}\n`);
  return { identity, recipient: join(dir, `${name}.pub`) };
}

/** 1000 numbers of request k: 138 + k (2 digits) + 6 digits. */
const numbers = (k: number): string[] =>
  Array.from({ length: 1000 }, (_, i) => `138${String(k).padStart(2, '0')}${String(i).padStart(6, '0')}`);

async function countByPrefix(rig: CitizenRig, prefix: string): Promise<number> {
  const row = await rig.platform.handle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('mobile', 'like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  return row.n;
}

test('a backup taken while 10,000 messages are sent and citizens bind restores into new SQLite and PostgreSQL databases, each served with everything the backup held', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { identity, recipient } = await keys(dir);
  const rig = await startCitizenRig('sqlite', PEOPLE, { app: { balance: 1_000_000 } });
  t.after(() => rig.close());
  const db = rig.platform.handle.db;
  const now = Date.now();
  const auditKey = deriveAuditKey(Buffer.from(TEST_DATA_KEY, 'base64'));

  // What the backup must hold, made before it starts.
  await addNumbers(db, 'BLACKLIST', ['13900000001', '13900000002'], '投诉', now);
  await addNumbers(db, 'WHITELIST', ['13900000003'], null, now);
  await addSensitiveWord(
    db,
    rig.platform.ids,
    { word: '违禁词', action: 'block', note: null, by: 'tester' },
    now,
  );
  await appendAudit(rig.platform.handle, auditKey, {
    kind: 'operation',
    actor: 'tester',
    action: 'drill.before-backup',
    result: 'ok',
  });
  for (const i of [0, 1]) {
    const p = PEOPLE[i]!;
    assert.match(await rig.ask(handsets[i]!, `BD#${p.ssn}#${p.servicePassword ?? ''}`), /已与本机绑定/);
  }

  // 10 requests of 1000 numbers while the backup runs and three more citizens bind.
  const accepted: number[] = [];
  const sending = (async () => {
    for (let k = 0; k < 10; k++) {
      const res = await rig.post('/api/sms/send', {
        appName: rig.appName,
        password: rig.password,
        mobiles: numbers(k).join(','),
        content: `备份演练第${k}批`,
      });
      assert.equal(res.json.code, 1, JSON.stringify(res.json));
      accepted.push(k);
    }
  })();
  while (accepted.length < 3) await new Promise((r) => setTimeout(r, 20));
  const acceptedBefore = accepted.length;
  const file = join(dir, 'drill.age');
  const env = {
    SMS12333_DATABASE_URL: rig.platform.config.database.url,
    SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
  };
  const backup = cli(['backup', '--out', file, '--recipient', recipient], env);
  // Their replies queue behind the 10,000 notices: the binding itself is what is waited for.
  const binding = (async () => {
    for (const i of [2, 3, 4]) {
      const p = PEOPLE[i]!;
      await mo(rig, handsets[i]!, `BD#${p.ssn}#${p.servicePassword ?? ''}`);
      const hash = rig.platform.citizens.cipher.lookupHash(p.ssn);
      await eventually(
        () => db.selectFrom('citizen_bindings').select('id').where('ssn_hash', '=', hash).executeTakeFirst(),
        60_000,
        `binding ${i}`,
      );
    }
  })();
  const taken = await backup;
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stdout, /sqlite-snapshot/);
  await Promise.all([sending, binding]);

  const raw = readFileSync(file);
  assert.ok(raw.subarray(0, 22).toString('latin1').startsWith('age-encryption.org/v1'));
  for (const secret of [
    ...PEOPLE.flatMap((p) => [p.ssn, p.name, p.servicePassword ?? p.ssn]),
    '13900000001',
    numbers(0)[0]!,
  ])
    assert.ok(!raw.includes(Buffer.from(secret, 'utf8')), `${secret} in clear in the backup file`);

  for (const dialect of DIALECTS) {
    await t.test(`restored into a new ${dialect} database and served from it`, async (st) => {
      const target = await createTestDatabase(dialect);
      // One hook, in this order: the served platform's connections must be gone before its
      // database is dropped, or the drop deadlocks with them.
      const rigs: CitizenRig[] = [];
      st.after(async () => {
        for (const rig of rigs) await rig.close();
        await target.drop();
      });
      const targetEnv = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY };
      const restored = await cli(['restore', '--in', file, '--identity', identity], targetEnv);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /counts and checksums match; 审计链校验通过 audit chain verified/);
      const verified = await cli(['audit', 'verify'], targetEnv);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);

      const check = await openDatabase(target.url);
      const held = new Set(
        (
          await check.db
            .selectFrom('delivery_reports')
            .select('message_id')
            .where('app_id', '!=', 0)
            .execute()
        ).map((r) => String(r.message_id)),
      );
      await check.close();
      const served = await startCitizenRig(dialect, [], { databaseUrl: target.url });
      rigs.push(served);
      const sdb = served.platform.handle.db;
      for (let k = 0; k < acceptedBefore; k++)
        assert.equal(await countByPrefix(served, `138${String(k).padStart(2, '0')}`), 1000, `request ${k}`);

      // Every delivery report the backup held reaches the business system's feed (more follow
      // as the restored queue is sent).
      let pulled = new Set<string>();
      for (let cursor = '0'; ;) {
        const page = await served.post('/api/sms/reports', {
          appName: 'hrss',
          password: served.password,
          cursor,
        });
        const reports = page.json.reports as { msgId: string }[];
        if (reports.length === 0) break;
        pulled = new Set([...pulled, ...reports.map((r) => r.msgId)]);
        cursor = String(page.json.nextCursor);
      }
      assert.ok(held.size > 0, 'reports were delivered before the backup');
      for (const id of held) assert.ok(pulled.has(id), `report of message ${id}`);

      // Citizens bound before the backup are answered by name (CBXX) from the restored bindings.
      for (const i of [0, 1])
        assert.match(
          await queuedAnswer(served, handsets[i]!, 'CBXX#'),
          new RegExp(maskName(PEOPLE[i]!.name).replace(/\*/g, '\\*')),
        );
      const black = await listNumbers(sdb, 'BLACKLIST', { offset: 0, limit: 10 });
      assert.deepEqual(black.entries.map((e) => e.mobile).sort(), ['13900000001', '13900000002']);
      assert.equal((await listNumbers(sdb, 'WHITELIST', { offset: 0, limit: 10 })).total, 1);
      assert.deepEqual(
        (await listSensitiveWords(sdb)).map((w) => w.word),
        ['违禁词'],
      );
      const drill = await sdb
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'drill.before-backup')
        .execute();
      assert.equal(drill.length, 1);
    });
  }
});

test('postgres: pg_dump and the repeatable-read export both restore into SQLite; a wrong key, a cut or altered file and a non-empty target are refused and nothing is written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { identity, recipient } = await keys(dir);
  const other = await keys(dir, 'other');
  const rig = await startCitizenRig('postgres', PEOPLE.slice(0, 1));
  t.after(() => rig.close());
  const p = PEOPLE[0]!;
  assert.match(await rig.ask(handsets[0]!, `BD#${p.ssn}#${p.servicePassword ?? ''}`), /已与本机绑定/);
  const res = await rig.post('/api/sms/send', {
    appName: rig.appName,
    password: rig.password,
    mobiles: numbers(0).slice(0, 20).join(','),
    content: '演练',
  });
  assert.equal(res.json.code, 1);
  const env = {
    SMS12333_DATABASE_URL: rig.platform.config.database.url,
    SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
  };
  const dumped = join(dir, 'dumped.age');
  const exported = join(dir, 'exported.age');
  const a = await cli(['backup', '--out', dumped, '--recipient', recipient], env);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /\(pg_dump\)/);
  const b = await cli(['backup', '--out', exported, '--recipient', recipient], {
    ...env,
    SMS12333_BACKUP_PG_DUMP: "''",
  });
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /\(repeatable-read\)/);
  assert.equal(
    (await cli(['backup', '--out', dumped, '--recipient', recipient], env)).code,
    2,
    'never overwrites',
  );

  const sqliteTarget = async () => {
    const target = await createTestDatabase('sqlite');
    t.after(() => target.drop());
    return { url: target.url, path: target.url.slice('sqlite:'.length) };
  };
  const restore = (file: string, url: string, key = identity) =>
    cli(['restore', '--in', file, '--identity', key], {
      SMS12333_DATABASE_URL: url,
      SMS12333_SECURITY_DATA_KEY: TEST_DATA_KEY,
    });

  for (const file of [dumped, exported]) {
    const target = await sqliteTarget();
    const r = await restore(file, target.url);
    assert.equal(r.code, 0, r.stderr);
    const handle = await openDatabase(target.url);
    const n = await handle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('app_id', '!=', 0)
      .executeTakeFirstOrThrow();
    assert.equal(n.n, 20);
    assert.equal((await handle.db.selectFrom('citizen_bindings').selectAll().execute()).length, 1);
    await handle.close();
  }

  const bytes = readFileSync(dumped);
  const cut = join(dir, 'cut.age');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  const altered = join(dir, 'altered.age');
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 50] = (flipped[flipped.length - 50] ?? 0) ^ 0xff;
  writeFileSync(altered, flipped);
  const cases: [string, string, string][] = [
    ['wrong key', dumped, 'ERR_BACKUP_WRONG_KEY'],
    ['cut short', cut, 'ERR_BACKUP_CORRUPT'],
    ['altered', altered, 'ERR_BACKUP_CORRUPT'],
  ];
  for (const [what, file, code] of cases) {
    const target = await sqliteTarget();
    const r = await restore(file, target.url, what === 'wrong key' ? other.identity : identity);
    assert.equal(r.code, 1, what);
    assert.match(r.stderr, new RegExp(code), what);
    assert.ok(!existsSync(target.path), `${what}: no database was created`);
  }

  // A target that holds data is refused before the file is read, and keeps what it had.
  const full = await sqliteTarget();
  assert.equal((await restore(exported, full.url)).code, 0);
  const before = readFileSync(full.path);
  const again = await restore(dumped, full.url);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ERR_RESTORE_NOT_EMPTY/);
  assert.ok(readFileSync(full.path).equals(before), 'the non-empty target is unchanged');
});
