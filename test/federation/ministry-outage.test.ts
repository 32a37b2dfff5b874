/**
 * The ministry unreachable for a full minute (docs/federation.md §5 "A minute's outage"): province
 * 21 sends Hainan numbers through its ministry link (the ministry on PostgreSQL, its carrier a
 * simulator that outlives it). The ministry stops with some of them still on their way; for at
 * least 60 s, measured, nothing listens on its address while province 21 keeps accepting
 * cross-province messages every few seconds. They wait QUEUED — not failed, not expired: their
 * validity is longer than the outage — and the link shows `connecting` with the refused
 * connection as its error. Then the ministry is back on the same address and database: the link
 * binds again within its reconnect backoff (`reconnectMaxMs`), the queue drains, every message is
 * DELIVERED at the province and its report reaches the province's business system by its push
 * callback, each number reached its handset, and the copies beyond one stay within the
 * resubmissions both platforms counted.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { freePort } from '../../src/bench/processes.js';
import { startSimulator } from '../../src/protocols/simulator/index.js';
import { upsertApp } from '../../src/store/apps.js';
import { IdAllocator } from '../../src/store/ids.js';
import type { Database } from '../../src/store/schema.js';
import { TEST_PASSWORD_HASH } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';
import {
  addProvinceAccounts,
  hainan,
  ministryLink,
  resubmits,
  startMinistry,
  writeSegments,
} from '../helpers/federation.js';
import { eventually, startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/** The outage the standard's federation must ride out (the "ministry down for 60 s"). */
const OUTAGE_MS = 60_000;
/** Longer than the outage and the drain after it, so nothing may expire. */
const VALIDITY_SECONDS = 300;
const RECONNECT_MAX_MS = 5_000;
const BEFORE = 200;
const DURING_BATCHES = 6;
const DURING_EACH = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function statusCounts(db: Kysely<Database>, mobiles?: readonly string[]): Promise<[string, number][]> {
  let q = db.selectFrom('messages').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')]);
  if (mobiles) q = q.where('mobile', 'in', mobiles);
  return (await q.groupBy('status').orderBy('status').execute()).map((r) => [r.status, Number(r.n)]);
}

test('postgres ministry unreachable for 60 s: the province queues, then drains, and reports catch up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ministry-outage-'));
  const segments = writeSegments(dir);
  const ministryDb = await createTestDatabase('postgres');
  const ministryPort = await freePort();
  const ministryUrl = `http://127.0.0.1:${ministryPort}`;
  // The ministry's carrier stays up through the outage, so its handsets count every copy.
  const carrier = await startSimulator({
    protocol: 'cmpp3',
    port: 0,
    controlPort: null,
    account: '901234',
    secret: 'sim-secret',
    dlrDelayMs: 20,
  });
  const ministryBack = (): Promise<TestPlatform> =>
    startMinistry(ministryDb.url, ministryPort, segments, { gateway: { port: carrier.port, tps: 1000 } });
  let ministry: TestPlatform | null = await ministryBack();
  t.after(async () => {
    await ministry?.close().catch(() => undefined);
    await carrier.close();
    await ministryDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  await addProvinceAccounts(ministry.platform.handle.db, ['21'], 100_000);

  const p21 = await startTestPlatform('sqlite', {
    config: {
      platform: { role: 'province', province: '21' },
      phoneData: { file: segments },
      sending: { validitySeconds: VALIDITY_SECONDS },
      callbacks: { pollMs: 50 },
    },
    app: { balance: 100_000 },
    links: [
      {
        id: 'ministry',
        gateway: {
          ...ministryLink(ministryUrl, 'prov21'),
          pollMs: 200,
          reconnectMinMs: 1000,
          reconnectMaxMs: RECONNECT_MAX_MS,
        },
      },
    ],
  });
  t.after(() => p21.close());
  // The province's business system takes its reports by push (docs/callbacks.md).
  const pushed = new Map<string, string[]>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      for (const r of (JSON.parse(body) as { reports: { msgId: string; status: string }[] }).reports)
        pushed.set(r.msgId, [...(pushed.get(r.msgId) ?? []), r.status]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => receiver.close(() => r())));
  await upsertApp(p21.platform.handle.db, new IdAllocator(p21.platform.handle.db, 10), p21.appName, {
    passwordHash: TEST_PASSWORD_HASH,
    reportUrl: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/reports`,
    callbackSecretEnc: p21.platform.citizens.cipher.encrypt('outage-callback-secret'),
  });
  const link = () => p21.platform.router.byId('ministry')?.status();
  await eventually(() => (link()?.bound === 1 ? true : undefined), 20_000, 'ministry link');

  const msgIds: string[] = [];
  const send = async (mobiles: string[], content: string): Promise<void> => {
    const res = await p21.post('/api/sms/send', {
      appName: p21.appName,
      password: p21.password,
      mobiles,
      content,
    });
    assert.equal(res.json.code, 1, JSON.stringify(res.json));
    msgIds.push(...(res.json.msgIds as { msgId: string }[]).map((m) => m.msgId));
  };
  const figures: string[] = [];

  // Some on their way when the ministry stops.
  const before = hainan(0, BEFORE);
  await send(before, '停机前：请及时办理养老保险资格认证。');
  await eventually(() => (carrier.stats().submits >= 20 ? true : undefined), 30_000, 'the first submits');
  const closing = Date.now();
  await ministry.close();
  ministry = null;
  const downAt = Date.now();
  const unfinishedAtStop = (await statusCounts(p21.platform.handle.db)).filter(([s]) => s !== 'DELIVERED');
  figures.push(
    `ministry stopped in ${downAt - closing} ms; at the province then ${JSON.stringify(unfinishedAtStop)}`,
  );
  await eventually(() => (link()?.bound === 0 ? true : undefined), 10_000, 'the link down');

  // A minute with nothing on the ministry's address; the province keeps taking messages.
  const during: string[] = [];
  const downStates = new Set<string>();
  for (let i = 0; i < DURING_BATCHES; i++) {
    const batch = hainan(1000 + i * 100, DURING_EACH);
    during.push(...batch);
    await send(batch, `停机期间第${i + 1}批：社保卡年度审验提醒。`);
    await assert.rejects(fetch(`${ministryUrl}/api/sms/balance`), 'nothing listens on the ministry address');
    const status = link();
    assert.ok(status);
    downStates.add(`${status.state}: ${status.lastError}`);
    assert.equal(status.bound, 0);
    assert.equal(status.state, 'connecting');
    // The error of the last request (a reset at the stop), then of each refused probe.
    assert.match(status.lastError ?? '', /ECONNREFUSED|ECONNRESET|socket hang up/);
    const waitFor = downAt + ((i + 1) * OUTAGE_MS) / DURING_BATCHES - Date.now();
    if (waitFor > 0) await sleep(waitFor);
  }
  assert.ok(
    [...downStates].some((s) => s.includes('ECONNREFUSED')),
    `the link shows the refused connection: ${[...downStates].join(' | ')}`,
  );
  assert.deepEqual(
    await statusCounts(p21.platform.handle.db, during),
    [['QUEUED', during.length]],
    'accepted during the outage: queued, none failed or expired',
  );
  const stillOnTheirWay = (await statusCounts(p21.platform.handle.db, before)).filter(
    ([s]) => s !== 'DELIVERED' && s !== 'SUBMITTED' && s !== 'QUEUED' && s !== 'SENDING',
  );
  assert.deepEqual(stillOnTheirWay, [], 'sent before the outage: none failed or expired');
  const backAt = Date.now();
  const outage = backAt - downAt;
  assert.ok(outage >= OUTAGE_MS, `the ministry was unreachable ${outage} ms`);
  assert.ok(VALIDITY_SECONDS * 1000 > outage, 'the messages are valid longer than the outage');

  ministry = await ministryBack();
  const listening = Date.now();
  await eventually(() => (link()?.bound === 1 ? true : undefined), 30_000, 'the link bound again');
  const rebound = Date.now();
  const everyone = [...before, ...during];
  try {
    await eventually(
      async () => {
        const counts = await statusCounts(p21.platform.handle.db);
        return counts.length === 1 && counts[0]?.[0] === 'DELIVERED' ? true : undefined;
      },
      120_000,
      'every message DELIVERED at the province',
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}: ${JSON.stringify(await statusCounts(p21.platform.handle.db))} link ${JSON.stringify(link())}`,
    );
  }
  const drained = Date.now();
  await eventually(
    () => (msgIds.every((id) => pushed.has(id)) ? true : undefined),
    60_000,
    'every report pushed to the business system',
  );
  const reported = Date.now();

  assert.deepEqual(await statusCounts(p21.platform.handle.db), [['DELIVERED', everyone.length]]);
  assert.deepEqual(
    [...new Set([...pushed.values()].flat())],
    ['DELIVERED'],
    'the business system got DELIVERED for each',
  );
  const repeatedPushes = [...pushed.values()].filter((s) => s.length > 1).length;
  assert.equal(repeatedPushes, 0, 'each report pushed to the business system once');
  const copies = new Map<string, number>();
  for (const m of carrier.inbox()) copies.set(m.mobile, (copies.get(m.mobile) ?? 0) + 1);
  const missing = everyone.filter((m) => !copies.has(m));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} numbers never reached their handset`);
  const duplicates = [...copies.values()].reduce((n, c) => n + c - 1, 0);
  const counted = (await resubmits(p21.platform.handle.db)) + (await resubmits(ministry.platform.handle.db));
  figures.push(
    `unreachable ${outage} ms (link states meanwhile: ${[...downStates].join(' | ')}); ` +
      `ministry listening ${listening - backAt} ms after restart began, link bound ${rebound - listening} ms later; ` +
      `all ${everyone.length} DELIVERED at the province ${drained - listening} ms after it listened, ` +
      `all pushed to the business system ${reported - listening} ms after; ` +
      `handset copies ${[...copies.values()].reduce((n, c) => n + c, 0)}, duplicates ${duplicates}, counted resubmissions ${counted}`,
  );
  t.diagnostic(figures.join('\n'));
  assert.ok(duplicates <= counted, `duplicates ${duplicates} within the counted ${counted}`);
});
