/** `sms12333 audit verify|export` as an auditor runs them: a real process on a real database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, deriveAuditKey } from '../../src/audit/log.js';
import { runCli } from '../../src/bench/processes.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

async function cli(args: string[], env: NodeJS.ProcessEnv) {
  const child = runCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

for (const dialect of DIALECTS) {
  test(`${dialect}: audit verify passes on an intact log and names the seq of a tampered row`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const dir = mkdtempSync(join(tmpdir(), 'sms12333-audit-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const master = randomBytes(32);
    const env = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: master.toString('base64') };

    const handle = await openDatabase(target.url);
    t.after(() => handle.close());
    const key = deriveAuditKey(master);
    const at = Date.UTC(2026, 10, 20, 2); // 2026-11-20 10:00 Beijing
    for (let i = 1; i <= 12; i += 1)
      await appendAudit(
        handle,
        key,
        {
          kind: 'access',
          actor: 'auditor1',
          sourceIp: '10.1.1.1',
          action: 'login',
          result: 'ok',
          detail: { i },
        },
        at + i,
      );

    const good = await cli(['audit', 'verify'], env);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /校验通过 verified: 12 条/);

    const exported = join(dir, 'audit.csv');
    const exp = await cli(
      ['audit', 'export', '--from', '2026-11-20', '--to', '2026-11-20', '--csv', exported],
      env,
    );
    assert.equal(exp.code, 0, exp.stderr);
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    assert.equal(lines.length, 13);
    assert.match(
      lines[1]!,
      /^1,2026-11-20 10:00:00,access,auditor1,,10\.1\.1\.1,login,,ok,"\{""i"":1\}",[0-9a-f]{64}$/,
    );
    assert.equal((await cli(['audit', 'verify'], env)).code, 0, 'the export itself was logged in the chain');

    await handle.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', 5).execute();
    const bad = await cli(['audit', 'verify'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /校验失败 verification failed at seq 5: 记录内容被改动/);

    const otherKey = await cli(['audit', 'verify'], {
      ...env,
      SMS12333_SECURITY_DATA_KEY: randomBytes(32).toString('base64'),
    });
    assert.equal(otherKey.code, 1);
    assert.equal((await cli(['audit', 'frobnicate'], env)).code, 2);
  });
}

for (const dialect of DIALECTS) {
  test(`${dialect}: audit prune removes old entries but never any younger than 180 days; the chain still verifies`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const master = randomBytes(32);
    const env = { SMS12333_DATABASE_URL: target.url, SMS12333_SECURITY_DATA_KEY: master.toString('base64') };
    const handle = await openDatabase(target.url);
    t.after(() => handle.close());
    const key = deriveAuditKey(master);
    const day = 86_400_000;
    const now = Date.now();
    for (const age of [400, 300, 200, 170, 10])
      await appendAudit(
        handle,
        key,
        { kind: 'operation', actor: 'sysadmin', action: 'app.freeze', result: 'ok', detail: { age } },
        now - age * day,
      );

    const tomorrow = new Date(now + 8 * 3_600_000 + day).toISOString().slice(0, 10);
    const pruned = await cli(['audit', 'prune', '--before', tomorrow], env);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, /已清理 pruned 3 条/);
    const left = await handle.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      left.map((r) => [r.action, r.detail]),
      [
        ['app.freeze', '{"age":170}'],
        ['app.freeze', '{"age":10}'],
        ['audit.prune', `{"removed":3,"retentionDays":180}`],
      ],
    );
    const verified = await cli(['audit', 'verify'], env);
    assert.equal(verified.code, 0, verified.stdout);
    const noBefore = await cli(['audit', 'prune'], env);
    assert.equal(noBefore.code, 2, noBefore.stderr);
  });
}
