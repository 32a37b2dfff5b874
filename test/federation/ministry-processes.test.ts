/**
 * The ministry as several `serve` processes on one PostgreSQL behind a TCP balancer (README
 * "负载均衡", docs/federation.md §5), killed under load. Province 21 sends thousands of Hainan numbers
 * through its ministry link, which reaches the ministry's two processes by a loopback round-robin
 * balancer (test/helpers/serve.ts, as the README's nginx `stream` example):
 *
 * 1. kill -9 of one ministry process mid-flight: the other carries on, nothing is lost.
 * 2. kill -9 of the other with thousands in flight: the ministry is down. The province keeps what it
 *    is given queued; the ministry stays down a while (a few seconds here instead of the 60 s of a
 *    real outage: the link reprobes every `reconnectMaxMs` either way, and nothing expires in
 *    between), then one comes back, the province drains and its reports catch up.
 *
 * Every number gets one message; at the end every message is DELIVERED at the province, every
 * number reached its handset, and the copies beyond one stay within the resubmissions the province
 * and the ministry counted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/bench/processes.js';
import { startSimulator } from '../../src/protocols/simulator/index.js';
import { openDatabase } from '../../src/store/connect.js';
import { createTestDatabase } from '../helpers/databases.js';
import {
  addProvinceAccounts,
  hainan,
  ministryLink,
  resubmits,
  writeSegments,
} from '../helpers/federation.js';
import { eventually, startTestPlatform, TEST_DATA_KEY } from '../helpers/platform.js';
import { simInbox, simStats, startTcpBalancer, TestProcesses } from '../helpers/serve.js';

const DOWN_MS = 3000;
const FINAL = ['DELIVERED', 'UNDELIVERED', 'EXPIRED', 'REJECTED', 'FAILED', 'BLOCKED'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('postgres: two ministry processes behind a balancer, each killed under load; none lost', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ministry-processes-'));
  const segments = writeSegments(dir);
  const ministryDb = await createTestDatabase('postgres');
  const processes = new TestProcesses();
  t.after(async () => {
    await processes.close();
    await ministryDb.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = await openDatabase(ministryDb.url);
  t.after(() => setup.close());
  await addProvinceAccounts(setup.db, ['21'], 1_000_000);

  const simulator = await startSimulator({
    protocol: 'cmpp3',
    port: 0,
    controlPort: 0,
    account: '901234',
    secret: 'fed-secret',
    dlrDelayMs: 20,
  });
  t.after(() => simulator.close());
  const controlUrl = `http://127.0.0.1:${simulator.controlPort ?? 0}`;
  const ministryConfig = (port: number) => ({
    platform: { role: 'ministry', province: '10', name: '人力资源和社会保障部' },
    database: { url: ministryDb.url },
    interface: { host: '127.0.0.1', port },
    console: { enabled: false },
    metrics: { port: 0 },
    security: { dataKey: TEST_DATA_KEY },
    gateways: [
      {
        id: 'cmcc-1',
        protocol: 'cmpp3',
        host: '127.0.0.1',
        port: simulator.port,
        account: '901234',
        secret: 'fed-secret',
        spNumber: '1065712333',
        carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
        connections: 1,
        window: 16,
        tps: 1000,
        requestTimeoutMs: 1000,
        reconnectMinMs: 50,
        reconnectMaxMs: 500,
      },
    ],
    dispatcher: { pollMs: 20, sweepMs: 200, leaseSeconds: 4, claimBatch: 100 },
    log: { level: 'warn' },
  });
  const figures: string[] = [];
  const ports = [await freePort(), await freePort()] as const;
  const t0 = Date.now();
  const [a, b] = await Promise.all(
    ports.map((port, i) => processes.serve(`ministry-${i}`, ministryConfig(port), 90_000)),
  );
  assert.ok(a && b);
  figures.push(`two ministry processes up in ${Date.now() - t0} ms`);
  const balancer = await startTcpBalancer(ports);
  t.after(() => balancer.close());

  const p21 = await startTestPlatform('postgres', {
    config: { platform: { role: 'province', province: '21' }, phoneData: { file: segments } },
    app: { balance: 1_000_000 },
    links: [{ id: 'ministry', gateway: ministryLink(`http://127.0.0.1:${balancer.port}`, 'prov21') }],
  });
  t.after(() => p21.close());
  const link = () => p21.platform.router.byId('ministry')?.status();
  await eventually(() => (link()?.bound === 1 ? true : undefined), 20_000, 'ministry link');

  const send = async (mobiles: string[], content: string): Promise<void> => {
    for (let i = 0; i < mobiles.length; i += 1000) {
      const res = await p21.post('/api/sms/send', {
        appName: p21.appName,
        password: p21.password,
        mobiles: mobiles.slice(i, i + 1000),
        content,
      });
      assert.equal(res.json.code, 1, JSON.stringify(res.json));
    }
  };
  const submitted = async (n: number, what: string) =>
    eventually(async () => ((await simStats(controlUrl)).submits >= n ? true : undefined), 30_000, what);
  const unfinished = async (): Promise<{ status: string; n: number | string }[]> =>
    p21.platform.handle.db
      .selectFrom('messages')
      .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('status', 'not in', FINAL)
      .groupBy('status')
      .execute();
  const allFinal = async (what: string, timeoutMs: number) => {
    try {
      await eventually(async () => ((await unfinished()).length === 0 ? true : undefined), timeoutMs, what);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}: ${JSON.stringify(await unfinished())} link ${JSON.stringify(link())}`,
      );
    }
  };

  // 1. One ministry process killed mid-flight: the other carries on.
  const t1 = Date.now();
  const first = hainan(0, 600);
  await send(first, '第一批：请及时办理养老保险资格认证。');
  await submitted(200, 'the first submits at the carrier');
  await a.handle.kill('SIGKILL');
  await allFinal('the first batch final with one ministry process', 60_000);
  figures.push(
    `one process killed: all final ${Date.now() - t1} ms after sending; balancer connections ${JSON.stringify([...balancer.handed])}`,
  );

  // 2. The other killed too, with thousands in flight: the ministry is down.
  const second = hainan(1000, 2000);
  const before = (await simStats(controlUrl)).submits;
  await send(second, '第二批：社保卡年度审验提醒。');
  await submitted(before + 300, 'the second submits at the carrier');
  await b.handle.kill('SIGKILL');
  const downAt = Date.now();
  const inFlight = (await unfinished()).reduce((n, s) => n + Number(s.n), 0);
  assert.ok(inFlight >= 1000, `${inFlight} messages in flight at the kill`);
  await eventually(() => (link()?.bound === 0 ? true : undefined), 10_000, 'the link down');
  const third = hainan(3000, 100);
  await send(third, '第三批：部级平台停机期间受理的通知。');
  const queuedWhileDown = async () =>
    (
      await p21.platform.handle.db
        .selectFrom('messages')
        .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('mobile', 'in', third)
        .groupBy('status')
        .execute()
    ).map((q) => [q.status, Number(q.n)]);
  await sleep(DOWN_MS);
  assert.deepEqual(await queuedWhileDown(), [['QUEUED', third.length]], 'queued while the ministry is down');
  assert.notEqual(link()?.state, 'bound');
  // Back (one process is enough); down meanwhile while it starts.
  const back = Date.now();
  await a.restart();
  const started = Date.now() - back;
  const down = Date.now() - downAt;
  await allFinal('everything final after the ministry is back', 90_000);
  const drained = Date.now() - back - started;

  const statuses = await p21.platform.handle.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  const everyone = [...first, ...second, ...third];
  assert.deepEqual(
    statuses.map((s) => [s.status, Number(s.n)]),
    [['DELIVERED', everyone.length]],
    'every message DELIVERED at the province',
  );
  const copies = new Map<string, number>();
  for (const m of await simInbox(controlUrl)) copies.set(m.mobile, (copies.get(m.mobile) ?? 0) + 1);
  const missing = everyone.filter((m) => !copies.has(m));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} numbers never reached their handset`);
  const duplicates = [...copies.values()].reduce((n, c) => n + c - 1, 0);
  const ministry = await openDatabase(ministryDb.url);
  t.after(() => ministry.close());
  const counted = (await resubmits(p21.platform.handle.db)) + (await resubmits(ministry.db));
  figures.push(
    `sent ${everyone.length}, in flight at the second kill ${inFlight}, down ${down} ms (restart ${started} ms), drained ${drained} ms after, copies ${[...copies.values()].reduce((n, c) => n + c, 0)}, duplicates ${duplicates}, counted resubmissions ${counted}`,
  );
  t.diagnostic(figures.join('\n'));
  assert.ok(duplicates <= counted, `duplicates ${duplicates} within the counted ${counted}`);
});
