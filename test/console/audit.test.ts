/**
 * The audit API over the real console listener (§8.1 c): only the auditor searches,
 * exports and verifies; the export is a spreadsheet-safe CSV and is itself recorded; a row changed
 * behind the platform's back makes the verification name its seq. Answers are exactly their
 * contracts (contract/audit.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditAnswer, auditVerdict, type AuditAnswer as Page } from '../../src/console/contract/audit.js';
import { formatBeijing } from '../../src/domain/beijing-time.js';
import { readCsv } from '../../src/domain/csv.js';
import { searchAudit } from '../../src/store/audit-log.js';
import { addConsoleUser, consoleLogin } from '../helpers/console.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

for (const dialect of DIALECTS) {
  test(`${dialect}: audit API — search, CSV export and chain verification, for the auditor only`, async (t) => {
    const rig = await startTestPlatform(dialect, { config: { console: { enabled: true, port: 0 } } });
    t.after(() => rig.close());
    const url = rig.platform.consoleUrl ?? '';
    const auditor = await consoleLogin(
      url,
      await addConsoleUser(rig.platform, 'qian.audit', ['auditor'], { totp: true }),
    );
    const sec = await consoleLogin(
      url,
      await addConsoleUser(rig.platform, 'zhao.sec', ['security-admin'], { totp: true }),
    );
    assert.equal((await sec.post('users', { username: 'li.op', roles: ['operator'] })).status, 200);
    // A name a spreadsheet would run as a formula, typed into the login form.
    await fetch(`${url}/console/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: '=HYPERLINK("http://x")', password: 'nope' }),
    });

    // Search: newest first, filters, paging.
    const all = await auditor.get<Page>('audit?pageSize=200');
    assert.equal(all.status, 200);
    assert.deepEqual(auditAnswer.parse(all.json), all.json, 'the contract, nothing more');
    const seqs = all.json.entries.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
    );
    assert.equal(all.json.total, all.json.entries.length);
    const creates = await auditor.get<Page>('audit?kind=data&action=USER.CREATE');
    assert.deepEqual(
      creates.json.entries.map((e) => [e.actor, e.action, e.target, e.detail]),
      [['zhao.sec', 'user.create', 'li.op', { roles: ['operator'] }]],
    );
    const logins = await auditor.get<Page>('audit?kind=access&action=login&actor=zhao.sec&result=ok');
    assert.deepEqual(
      logins.json.entries.map((e) => e.action),
      ['login'],
    );
    const failed = await auditor.get<Page>('audit?result=failed&action=login');
    assert.deepEqual(
      failed.json.entries.map((e) => e.actor),
      ['=HYPERLINK("http://x")'],
    );
    // Paging over a set that no longer grows: the security administrator's entries.
    const his = await auditor.get<Page>('audit?actor=zhao.sec');
    assert.ok(his.json.total >= 3);
    const paged: number[] = [];
    for (let page = 1; page <= Math.ceil(his.json.total / 2); page++) {
      const p = await auditor.get<Page>(`audit?actor=zhao.sec&page=${page}&pageSize=2`);
      assert.equal(p.json.total, his.json.total);
      paged.push(...p.json.entries.map((e) => e.seq));
    }
    assert.deepEqual(
      paged,
      his.json.entries.map((e) => e.seq),
    );
    // Time range in Beijing time: today holds everything, tomorrow nothing.
    const today = formatBeijing(Date.now(), 'yyyy-MM-dd');
    const tomorrow = formatBeijing(Date.now() + 24 * 3600 * 1000, 'yyyy-MM-dd');
    const inToday = await auditor.get<Page>(`audit?from=${today}&to=${today}`);
    assert.ok(inToday.json.total >= all.json.total);
    assert.equal((await auditor.get<Page>(`audit?from=${tomorrow}%2000:00:00`)).json.total, 0);
    const bad = await auditor.get<{ code: string }>('audit?from=yesterday');
    assert.deepEqual([bad.status, bad.json.code], [400, 'INVALID']);

    // Export: BOM, a header, one row per entry, formulas neutralised; the export is recorded.
    const res = await auditor.fetch(`audit/export?from=${today}&to=${today}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /attachment; filename="audit-\d{8}-\d{6}\.csv"/,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = [...readCsv(bytes.toString('utf8'))].map((r) => r.fields ?? []);
    assert.match(rows[0]?.join(',') ?? '', /^序号 seq,时间\(北京\) time,类别 kind,操作人 actor/);
    assert.ok(rows.length - 1 >= all.json.total);
    const formula = rows.find((r) => r[3]?.includes('HYPERLINK'));
    assert.equal(formula?.[3], `'=HYPERLINK("http://x")`);
    const exported = await auditor.get<Page>('audit?action=export.audit');
    const record = exported.json.entries[0];
    assert.deepEqual(record && [record.kind, record.actor, (record.detail as { count: number }).count], [
      'data',
      'qian.audit',
      rows.length - 1,
    ]);

    // Verification: intact, then one row changed behind the platform's back.
    const ok = await auditor.post<{ ok: boolean; count: number }>('audit/verify');
    assert.deepEqual(auditVerdict.parse(ok.json), ok.json);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.ok, true);
    assert.ok(ok.json.count >= all.json.total);
    const victim = creates.json.entries[0]?.seq ?? 0;
    await rig.platform.handle.db
      .updateTable('audit_log')
      .set({ detail: '{"roles":["auditor"]}' })
      .where('seq', '=', victim)
      .execute();
    const broken = await auditor.post<{ ok: boolean; seq: number; problem: string }>('audit/verify');
    assert.deepEqual(auditVerdict.parse(broken.json), broken.json);
    assert.deepEqual(broken.json, { ok: false, seq: victim, problem: 'changed', verified: victim - 1 });
    const verifyEntries = await searchAudit(
      rig.platform.handle.db,
      { actionContains: 'audit.verify' },
      0,
      10,
    );
    assert.deepEqual(
      verifyEntries.map((e) => e.result),
      ['failed', 'ok'],
    );

    // Nobody else: the security administrator, the system administrator, an operator.
    const others = [
      sec,
      await consoleLogin(url, await addConsoleUser(rig.platform, 'wu.sys', ['system-admin'], { totp: true })),
      await consoleLogin(url, await addConsoleUser(rig.platform, 'sun.op', ['operator'])),
    ];
    for (const other of others) {
      assert.equal((await other.get('audit')).status, 403);
      assert.equal((await other.fetch('audit/export')).status, 403);
      assert.equal((await other.post('audit/verify')).status, 403);
    }
  });
}
