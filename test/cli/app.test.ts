/** `sms12333 app add` and `migrate` as an operator runs them: a real process on a real database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/bench/processes.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { findAppByName } from '../../src/store/apps.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stderr: child.stderr() };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: app add creates, then updates, an account; bad input changes nothing`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const env = { SMS12333_DATABASE_URL: target.url };

    assert.equal((await cli(['migrate'], env)).code, 0);
    assert.equal(
      (await cli(['migrate', '--rebuild-tallies'], env)).code,
      0,
      'migrate twice is harmless; it counts the messages afresh on request',
    );

    const add = await cli(
      [
        'app',
        'add',
        '--name',
        'yibao',
        '--password',
        'Str0ng-Pass',
        '--ip',
        '10.0.0.0/8,127.0.0.1',
        '--balance',
        '500',
        '--signature',
        '【医保局】',
        '--ext-code',
        '12',
      ],
      env,
    );
    assert.equal(add.code, 0, add.stderr);
    const db = await openDatabase(target.url);
    t.after(() => db.close());
    let app = await findAppByName(db.db, 'yibao');
    assert.deepEqual(app && [app.ipWhitelist, app.balance, app.signature, app.extCode, app.status], [
      ['10.0.0.0/8', '127.0.0.1'],
      500,
      '【医保局】',
      '12',
      'active',
    ]);
    assert.ok(app && (await verifyPassword(app.passwordHash, 'Str0ng-Pass')));

    const update = await cli(
      ['app', 'add', '--name', 'yibao', '--password', 'N3w-Passw0rd', '--balance', '800'],
      env,
    );
    assert.equal(update.code, 0, update.stderr);
    app = await findAppByName(db.db, 'yibao');
    assert.equal(app?.balance, 800);
    assert.equal(app.signature, '【医保局】', 'fields not given are kept');
    assert.ok(await verifyPassword(app.passwordHash, 'N3w-Passw0rd'));

    for (const bad of [
      ['--name', 'yibao', '--password', 'short'],
      ['--name', 'yibao', '--password', 'Long-enough1', '--ip', '10.0.0.300/8'],
      ['--name', 'yibao', '--password', 'Long-enough1', '--signature', 'no brackets'],
      ['--name', 'yibao', '--password', 'Long-enough1', '--balance', '-5'],
      ['--name', 'bad name!', '--password', 'Long-enough1'],
    ]) {
      const r = await cli(['app', 'add', ...bad], env);
      assert.notEqual(r.code, 0, bad.join(' '));
      assert.match(r.stderr, /错误 error/);
    }
    assert.equal((await findAppByName(db.db, 'yibao'))?.balance, 800);
    const usage = await cli(['app', 'add', '--name', 'x'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--password/);
  });
}

test('a bad configuration stops the command with the key and a non-zero exit', async () => {
  const r = await cli(['migrate'], { SMS12333_INTERFACE_PORT: 'eighty' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ERR_CONFIG_INVALID/);
  assert.match(r.stderr, /interface\.port/);
  const unknown = await cli(['frobnicate'], {});
  assert.equal(unknown.code, 2);
});
