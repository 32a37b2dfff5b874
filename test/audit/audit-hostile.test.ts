/**
 * Rows put into the audit log behind the chain's back (docs/security.md §3): verify names them,
 * logins keep being recorded past them, and a log whose tables were emptied gets a plain message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendAudit, deriveAuditKey, verifyAudit, type AuditEntry } from '../../src/audit/log.js';
import { runCli } from '../../src/bench/processes.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

const login: AuditEntry = { kind: 'access', actor: 'op1', action: 'login', result: 'ok' };

for (const dialect of DIALECTS) {
  test(`${dialect}: rows beyond the head are reported and never collide with appends; emptied tables get a message`, async (t) => {
    const target = await createTestDatabase(dialect);
    t.after(() => target.drop());
    const master = randomBytes(32);
    const key = deriveAuditKey(master);
    const handle = await openDatabase(target.url);
    t.after(() => handle.close());
    for (let i = 0; i < 3; i += 1) await appendAudit(handle, key, login);
    assert.equal((await verifyAudit(handle, key)).ok, true);

    await handle.db
      .insertInto('audit_log')
      .values({
        seq: 4,
        at: Date.now(),
        kind: 'access',
        actor: 'intruder',
        role: null,
        source_ip: null,
        action: 'login',
        target: null,
        result: 'ok',
        detail: '{}',
        prev_hash: 'f'.repeat(64),
        hash: 'e'.repeat(64),
      })
      .execute();
    assert.deepEqual(await verifyAudit(handle, key), { ok: false, seq: 4, problem: 'beyond', verified: 3 });

    const next = await appendAudit(handle, key, login);
    assert.equal(next.seq, 5, 'the append passes over the stray row instead of failing');
    assert.deepEqual(await verifyAudit(handle, key), { ok: false, seq: 4, problem: 'relinked', verified: 3 });

    await handle.db.deleteFrom('audit_log').execute();
    await handle.db.deleteFrom('audit_head').execute();
    const child = runCli(['audit', 'verify'], {
      SMS12333_DATABASE_URL: target.url,
      SMS12333_SECURITY_DATA_KEY: master.toString('base64'),
    });
    assert.equal(await child.exited, 1);
    assert.match(child.stdout(), /链头记录 audit_head 不存在/);
    assert.doesNotMatch(child.stdout() + child.stderr(), /\n\s+at /, 'no stack trace');
    await assert.rejects(appendAudit(handle, key, login), /ERR_AUDIT_TAMPERED|链头记录不存在/);
  });
}
