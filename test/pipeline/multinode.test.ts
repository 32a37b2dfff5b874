/**
 * Several `serve` processes on one PostgreSQL and one carrier simulator (docs/multinode.md). Every
 * copy a handset receives is told apart by its sender number, one per process. One flow:
 *
 * 1. A is stopped (SIGSTOP) inside a transaction, past its lease and its session's idle limit, then
 *    continued: B and C work on meanwhile, A writes no copy after its lease ended, everything ends.
 * 2. The same with A stopped between transactions.
 * 3. A is killed (SIGKILL) with a backlog queued: A's messages go out again from B and C within
 *    seconds and ahead of the backlog (they keep their place in the queue), with no more copies
 *    than A could have had written and not yet stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { stringify } from 'yaml';
import {
  freePort,
  runCli,
  startSimulatorProcess,
  waitForHttp,
  type ChildHandle,
} from '../../src/bench/processes.js';
import { openDatabase } from '../../src/store/connect.js';
import { partCopies } from '../../src/store/part-writes.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';
import { simInbox, simStats } from '../helpers/serve.js';

const LEASE_SECONDS = 4;
const WINDOW = 16;
const TPS = 100;
const CLAIM = 100;
const PER_REQUEST = 100;

interface Copy {
  mobile: string;
  from: string;
  text: string;
  at: number;
}

interface Node {
  name: string;
  spNumber: string;
  port: number;
  handle: ChildHandle;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('postgres: three serve processes — paused inside and outside a transaction, then one killed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-multinode-'));
  const target = await createTestDatabase('postgres');
  const children: ChildHandle[] = [];
  t.after(async () => {
    for (const c of children) {
      c.child.kill('SIGCONT');
      await c.kill('SIGKILL');
    }
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const simulator = await startSimulatorProcess({ secret: 'multi-secret', dlrDelayMs: 20 });
  children.push(simulator.handle);
  const { controlUrl } = simulator;
  const db = await openDatabase(target.url);
  t.after(() => db.close());
  await createTestApp(db.db, 'hrss', { balance: 1_000_000 });

  const start = async (name: string, spNumber: string): Promise<Node> => {
    const port = await freePort();
    const configFile = join(dir, `${name}.yaml`);
    writeFileSync(
      configFile,
      stringify({
        database: { url: target.url },
        interface: { host: '127.0.0.1', port },
        console: { enabled: false },
        metrics: { port: 0 },
        gateways: [
          {
            id: 'cmcc-1',
            protocol: 'cmpp3',
            host: '127.0.0.1',
            port: simulator.port,
            account: '901234',
            secret: 'multi-secret',
            spNumber,
            carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
            connections: 1,
            window: WINDOW,
            tps: TPS,
            requestTimeoutMs: 1000,
            reconnectMinMs: 50,
            reconnectMaxMs: 500,
          },
        ],
        dispatcher: { pollMs: 20, sweepMs: 200, leaseSeconds: LEASE_SECONDS, claimBatch: CLAIM },
        log: { level: 'warn' },
      }),
    );
    const handle = runCli(['serve', '--config', configFile]);
    children.push(handle);
    // Three start at once on a shared machine: give them time.
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, handle, 90_000);
    return { name, spNumber, port, handle };
  };
  const nodes = await Promise.all([
    start('A', '106571231'),
    start('B', '106571232'),
    start('C', '106571233'),
  ]);
  const [a, b, c] = nodes;

  const inbox = async (): Promise<Copy[]> =>
    (await simInbox(controlUrl)).map((m) => ({
      mobile: m.mobile,
      from: m.from,
      text: m.text,
      at: Date.parse(m.receivedAt),
    }));
  const submits = async (): Promise<number> => (await simStats(controlUrl)).submits;
  const sendPhase = async (phase: number, requests: number, via: Node): Promise<Set<string>> => {
    const mobiles = new Set<string>();
    for (let i = 0; i < requests; i += 5)
      await Promise.all(
        [i, i + 1, i + 2, i + 3, i + 4].map(async (r) => {
          const list = Array.from(
            { length: PER_REQUEST },
            (_, j) => `138${phase}${String(r * PER_REQUEST + j).padStart(7, '0')}`,
          );
          const res = await fetch(`http://127.0.0.1:${via.port}/api/sms/send`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              appName: 'hrss',
              password: TEST_PASSWORD,
              mobiles: list,
              content: `第${phase}轮第${r}批通知`,
            }),
          });
          assert.equal(((await res.json()) as { code: number }).code, 1);
          for (const m of list) mobiles.add(m);
        }),
      );
    return mobiles;
  };
  const allFinal = async (what: string) => {
    const pending = () =>
      db.db
        .selectFrom('messages')
        .select(['status', 'lease_owner', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['QUEUED', 'SENDING', 'SUBMITTED'])
        .groupBy(['status', 'lease_owner'])
        .execute();
    try {
      await eventually(async () => ((await pending()).length === 0 ? true : undefined), 60_000, what);
    } catch (err) {
      const stats = await (await fetch(`${controlUrl}/sim/stats`)).text();
      const logs = nodes.map((n) => `${n.name}: ${n.handle.stdout().slice(-1500)}`).join('\n');
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await pending())} ${stats}\n${logs}`);
    }
  };
  const sessions = async (node: Node) =>
    (
      await sql<{ state: string | null }>`
        SELECT state FROM pg_stat_activity WHERE application_name = ${`sms12333 pid ${node.handle.child.pid}`}`.execute(
        db.db,
      )
    ).rows.map((r) => r.state);
  const inTransaction = (states: (string | null)[]) =>
    states.some((s) => s === 'idle in transaction' || s === 'active');
  /** Stops the process inside a transaction (true) or between transactions (false); answers the time. */
  const stop = async (node: Node, inside: boolean): Promise<number> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (inside && !inTransaction(await sessions(node))) continue;
      node.handle.child.kill('SIGSTOP');
      const at = Date.now();
      await sleep(100);
      if (inTransaction(await sessions(node)) === inside) return at;
      node.handle.child.kill('SIGCONT');
      await sleep(20);
    }
    throw new Error(`could not stop ${node.name} ${inside ? 'inside' : 'outside'} a transaction`);
  };
  /** Each number gets one message per phase: its copies, by number. */
  const copiesOf = (copies: Copy[], mobiles: Set<string>) => {
    const by = new Map<string, Copy[]>();
    for (const c of copies) if (mobiles.has(c.mobile)) by.set(c.mobile, [...(by.get(c.mobile) ?? []), c]);
    return by;
  };
  const figures: string[] = [];

  // 1 and 2: A paused past its lease, inside then outside a transaction.
  // Between transactions takes longer to catch: more to send keeps B and C busy through the stop.
  for (const [phase, inside, requests] of [
    [1, true, 10],
    [2, false, 15],
  ] as const) {
    const before = await submits();
    const sending = sendPhase(phase, requests, b);
    await eventually(async () => ((await submits()) >= before + 200 ? true : undefined), 30_000, 'submits');
    const stoppedAt = await stop(a, inside);
    // Past the lease, and inside a transaction past the session's idle limit (5 s).
    await sleep((LEASE_SECONDS + 2) * 1000);
    const continuedAt = Date.now();
    a.handle.child.kill('SIGCONT');
    const mobiles = await sending;
    await allFinal(`phase ${phase} final`);
    const copies = copiesOf(await inbox(), mobiles);
    const all = [...copies.values()].flat();
    assert.equal(copies.size, mobiles.size, 'every message reached its handset');
    const byOthers = all.filter(
      (x) => !x.from.startsWith(a.spNumber) && x.at > stoppedAt + 1000 && x.at < continuedAt,
    );
    assert.ok(byOthers.length > 0, 'B and C went on sending while A was stopped');
    const late = [...copies.values()].filter(
      (list) => list.length > 1 && list.some((c) => c.from.startsWith(a.spNumber) && c.at > continuedAt),
    );
    assert.equal(late.length, 0, 'A wrote no copy after its lease ended');
    figures.push(
      `stop ${inside ? 'inside' : 'outside'} a transaction: sent ${mobiles.size}, copies ${all.length}, duplicates ${all.length - copies.size}, B and C sent ${byOthers.length} during the stop`,
    );
  }
  const statuses = await db.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  assert.deepEqual(
    statuses.map((s) => s.status),
    ['DELIVERED'],
    'every message final and delivered',
  );

  // 3: a backlog is queued, A is killed.
  const before = await submits();
  const mobiles = await sendPhase(3, 20, b);
  await eventually(async () => ((await submits()) >= before + 300 ? true : undefined), 30_000, 'submits');
  const instances = await db.db.selectFrom('instances').selectAll().execute();
  const aId = instances.find((i) => i.pid === a.handle.child.pid)?.id;
  assert.ok(aId, `A is registered: ${JSON.stringify(instances)}\n${a.handle.stdout().slice(-3000)}`);
  const held = await db.db
    .selectFrom('messages')
    .select(['mobile', 'status', 'lease_owner', 'not_before', 'id'])
    .where('mobile', 'in', [...mobiles])
    .where('status', 'in', ['QUEUED', 'SENDING'])
    .execute();
  a.handle.child.kill('SIGKILL');
  const killedAt = Date.now();
  await a.handle.exited;
  await allFinal('phase 3 final');
  const copies = copiesOf(await inbox(), mobiles);
  const all = [...copies.values()].flat();
  assert.equal(copies.size, mobiles.size, 'every message reached its handset');
  const firstBySurvivor = (mobile: string) =>
    (copies.get(mobile) ?? [])
      .filter((x) => !x.from.startsWith(a.spNumber))
      .reduce((min, x) => Math.min(min, x.at), Number.POSITIVE_INFINITY);
  const ofA = held.filter((h) => h.status === 'SENDING' && h.lease_owner === aId);
  const resent = ofA
    .map((h) => firstBySurvivor(h.mobile))
    .filter((at) => at > killedAt && Number.isFinite(at));
  const sample = ofA
    .slice(0, 3)
    .map((h) => (copies.get(h.mobile) ?? []).map((x) => `${x.from}@${x.at - killedAt}`).join(' '));
  assert.ok(resent.length > 0, `A held ${ofA.length} messages at the kill: ${sample.join('; ')}`);
  const lastResent = Math.max(...resent);
  assert.ok(
    lastResent - killedAt <= 5000,
    `A's messages went out again ${lastResent - killedAt} ms after the kill`,
  );
  // They kept their place: little of the backlog queued at the kill went out before them.
  const backlog = held.filter((h) => h.status === 'QUEUED').map((h) => firstBySurvivor(h.mobile));
  const overtaken = backlog.filter((at) => at < lastResent).length;
  assert.ok(backlog.length > 4 * CLAIM, `a backlog of ${backlog.length} at the kill`);
  // Only what B and C had claimed before the reclaim (their buffers) goes first, not the backlog.
  assert.ok(overtaken < backlog.length / 2, `${overtaken} of the backlog went out before A's messages`);
  const duplicates = all.length - copies.size;
  // How long before the kill A wrote what went out twice: its answers not yet stored.
  const lag = [...copies.values()]
    .filter((list) => list.length > 1)
    .flatMap((list) => list.filter((x) => x.from.startsWith(a.spNumber)).map((x) => killedAt - x.at));
  assert.ok(duplicates <= WINDOW + TPS, `${duplicates} duplicates after the kill`);
  const measured = await partCopies(db.db);
  figures.push(
    `kill -9 with three processes: sent ${mobiles.size}, copies ${all.length}, duplicates ${duplicates}, A held ${ofA.length}, re-sent within ${lastResent - killedAt} ms, the copies A wrote ${Math.min(...lag)}–${Math.max(...lag)} ms before the kill, backlog ${backlog.length} of which ${overtaken} went first; part copies on record ${JSON.stringify(measured)}`,
  );
  t.diagnostic(figures.join('\n'));
  await c.handle.kill('SIGTERM');
  await b.handle.kill('SIGTERM');
});
