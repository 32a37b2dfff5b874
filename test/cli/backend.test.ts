/** `sms12333 backend import` as an operator runs it: a real process, a real file, a real database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEMO_PERSONS, demoPersonsCsv } from '../../src/backend/demo-persons.js';
import { EmbeddedBackend } from '../../src/backend/embedded.js';
import { runCli } from '../../src/bench/processes.js';
import { createPersonalDataCipher } from '../../src/security/personal-data.js';
import { countBackendPersons } from '../../src/store/backend-persons.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: backend import loads, refuses a file with bad rows, skips them on request, updates on re-import`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const dir = mkdtempSync(join(tmpdir(), 'sms12333-import-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // SQLite: the key file goes beside the database by default; PostgreSQL: name one (else ./data).
    const keyFile =
      dialect === 'sqlite'
        ? join(dirname(target.url.slice('sqlite:'.length)), 'data.key')
        : join(dir, 'data.key');
    const env = {
      SMS12333_DATABASE_URL: target.url,
      ...(dialect === 'postgres' && { SMS12333_SECURITY_DATA_KEY_FILE: keyFile }),
    };
    const file = join(dir, 'persons.csv');
    writeFileSync(file, `\uFEFF${demoPersonsCsv()}`);

    const first = await cli(['backend', 'import', '--file', file], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /新增 created 20, 更新 updated 0/);
    assert.match(first.stderr, /personal-data key/, 'a new key file is announced once');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    const db = await openDatabase(target.url);
    t.after(() => db.close());
    assert.equal(await countBackendPersons(db.db), 20);
    const cipher = createPersonalDataCipher(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
    const backend = new EmbeddedBackend(db, cipher);
    const person = DEMO_PERSONS[3]!;
    assert.equal((await backend.findPerson(person.ssn))?.name, person.name);
    assert.equal(await backend.verifyServicePassword(person.ssn, person.servicePassword), 'ok');

    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'ssn,name,servicePassword,insurances,pensionBalance,pensionAsOf\n' +
        `${person.ssn},新名字,,,100.00,2024-06\n` +
        '210102196503120107,校验错,123456,,,\n' +
        '210105198802090101,杨磊,123456,,1.234,2024-06\n',
    );
    const refused = await cli(['backend', 'import', '--file', bad], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /第 3 行 line 3: ssn/);
    assert.match(refused.stderr, /第 4 行 line 4: pensionBalance/);
    assert.match(refused.stderr, /nothing imported/);
    assert.ok(!refused.stderr.includes('210102196503120107'), 'no SSN in the report');
    assert.doesNotMatch(refused.stderr, /personal-data key/, 'the key file is reused');
    assert.equal((await backend.findPerson(person.ssn))?.name, person.name, 'nothing changed');

    const skipped = await cli(['backend', 'import', '--file', bad, '--skip-invalid'], env);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /新增 created 0, 更新 updated 1, 跳过 skipped 2/);
    assert.equal((await backend.findPerson(person.ssn))?.name, '新名字');
    assert.equal(
      await backend.verifyServicePassword(person.ssn, person.servicePassword),
      'ok',
      'password kept',
    );

    const again = await cli(['backend', 'import', '--file', file], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /新增 created 0, 更新 updated 20/);
    assert.equal((await backend.findPerson(person.ssn))?.name, person.name);
  });
}

test('backend import: usage errors exit 2, a missing file 1; help lists the command', async () => {
  const env = {
    SMS12333_DATABASE_URL: `sqlite:${join(tmpdir(), 'sms12333-never-opened.db')}`,
    SMS12333_SECURITY_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
  };
  const noFile = await cli(['backend', 'import'], env);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /--file/);
  assert.equal((await cli(['backend', 'export', '--file', 'x'], env)).code, 2);
  const missing = await cli(['backend', 'import', '--file', '/nonexistent/persons.csv'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ERR_INPUT_INVALID|输入无效/);
  const help = await cli(['help'], {});
  assert.match(help.stdout, /sms12333 backend import --file persons\.csv/);
});
