/**
 * Several `serve` processes on one PostgreSQL and one carrier simulator (docs/multinode.md). Every
 * copy a handset receives is told apart by its sender number, one per process. One flow:
 *
 * 1. A is stopped (SIGSTOP) inside a transaction, past its lease and its session's idle limit, then
 *    continued: B and C send what is admitted meanwhile, A writes no copy after its lease ended,
 *    everything ends.
 * 2. The same with A stopped between transactions.
 * 3. A is killed (SIGKILL) with a backlog queued, three processes running: A's messages go out again
 *    from B and C within seconds, in their order and ahead of the backlog (they keep their place in
 *    the queue), with no more copies than A's window (what it may have written and not recorded).
 * 4. The same with two processes: B is killed, C alone takes over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { defaultBurst } from '../../src/protocols/session/token-bucket.js';
import { openDatabase } from '../../src/store/connect.js';
import { partCopies } from '../../src/store/part-writes.js';
import { createTestApp, TEST_PASSWORD } from '../helpers/apps.js';
import { createTestDatabase } from '../helpers/databases.js';
import { eventually } from '../helpers/platform.js';
import { simInbox, simStats, TestProcesses, type ServeProcess } from '../helpers/serve.js';

const LEASE_SECONDS = 4;
const WINDOW = 16;
const LINKS = 1;
const TPS = 100;
const CLAIM = 100;
const PER_REQUEST = 100;
/** Parts a process may have written and not yet recorded at any moment: its windows. */
const UNRECORDED = WINDOW * LINKS;
/**
 * What a process has in hand ahead of the queue: its claim buffer, its gateway's queue and its
 * window. A survivor may send this much of a backlog before a dead process's messages handed back,
 * and a process goes on sending it for IN_HAND / TPS seconds whatever holds up its claims.
 */
const IN_HAND = CLAIM + 2 * WINDOW * LINKS;

interface Copy {
  mobile: string;
  from: string;
  text: string;
  at: number;
}

interface Node {
  name: string;
  spNumber: string;
  serve: ServeProcess;
}

interface Held {
  id: number;
  mobile: string;
  status: string;
  lease_owner: string | null;
  not_before: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('postgres: three serve processes — paused inside and outside a transaction, then one killed, then another', async (t) => {
  const processes = new TestProcesses();
  const target = await createTestDatabase('postgres');
  t.after(async () => {
    await processes.close();
    await target.drop();
  });

  const simulator = await processes.simulator({ secret: 'multi-secret', dlrDelayMs: 20 });
  const { controlUrl } = simulator;
  const db = await openDatabase(target.url);
  t.after(() => db.close());
  await createTestApp(db.db, 'hrss', { balance: 1_000_000 });

  const start = async (name: string, spNumber: string): Promise<Node> => {
    const serve = await processes.serve(name, {
      database: { url: target.url },
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
          connections: LINKS,
          window: WINDOW,
          tps: TPS,
          requestTimeoutMs: 1000,
          reconnectMinMs: 50,
          reconnectMaxMs: 500,
        },
      ],
      dispatcher: { pollMs: 20, sweepMs: 200, leaseSeconds: LEASE_SECONDS, claimBatch: CLAIM },
      log: { level: 'warn' },
    });
    return { name, spNumber, serve };
  };
  // Three start at once on a shared machine: the helper gives them time.
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
  const waitSubmits = async (atLeast: number) =>
    eventually(async () => ((await submits()) >= atLeast ? true : undefined), 30_000, 'submits');
  /** `requests` requests of PER_REQUEST numbers each, through `via`'s interface; answers the numbers. */
  const sendPhase = async (phase: number, requests: number, via: Node): Promise<Set<string>> => {
    const mobiles = new Set<string>();
    for (let i = 0; i < requests; i += 5)
      await Promise.all(
        [i, i + 1, i + 2, i + 3, i + 4].slice(0, requests - i).map(async (r) => {
          const list = Array.from(
            { length: PER_REQUEST },
            (_, j) => `138${phase}${String(r * PER_REQUEST + j).padStart(7, '0')}`,
          );
          const res = await fetch(`http://127.0.0.1:${via.serve.port}/api/sms/send`, {
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
      const logs = nodes.map((n) => `${n.name}: ${n.serve.output().slice(-1500)}`).join('\n');
      // What the stuck messages' parts and any unmatched reports say, to tell where they stopped.
      const stuck = await sql<Record<string, unknown>>`
        SELECT m.id, m.status, m.attempts, p.status AS part, p.carrier_msg_id,
          (SELECT count(*) FROM orphan_reports o WHERE o.carrier_msg_id = p.carrier_msg_id) AS orphans
        FROM messages m LEFT JOIN message_parts p ON p.message_id = m.id
        WHERE m.status IN ('QUEUED', 'SENDING', 'SUBMITTED') ORDER BY m.id LIMIT 10`.execute(db.db);
      throw new Error(
        `${(err as Error).message}: ${JSON.stringify(await pending())} ${JSON.stringify(stuck.rows)} ${stats}\n${logs}`,
      );
    }
  };
  const sessions = async (node: Node) =>
    (
      await sql<{ state: string | null }>`
        SELECT state FROM pg_stat_activity WHERE application_name = ${`sms12333 pid ${node.serve.pid}`}`.execute(
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
      node.serve.stop();
      const at = Date.now();
      await sleep(100);
      if (inTransaction(await sessions(node)) === inside) return at;
      node.serve.cont();
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

  // 1 and 2: A paused past its lease, inside then outside a transaction.
  for (const [phase, inside, requests] of [
    [1, true, 10],
    [2, false, 15],
  ] as const) {
    const before = await submits();
    const sending = sendPhase(phase, requests, b);
    await waitSubmits(before + 200);
    const stoppedAt = await stop(a, inside);
    // More than B and C can send from what they have in hand (at their rate and its burst), so
    // however long catching A took, they have work through the stop: what they send once their
    // hands are empty they claimed while A was stopped, neither waiting for its locks nor its leases.
    const meanwhile = await sendPhase(
      phase + 4,
      Math.ceil((2 * (IN_HAND + defaultBurst(TPS))) / PER_REQUEST),
      b,
    );
    // Past the lease, and inside a transaction past the session's idle limit (5 s).
    await sleep(Math.max(0, stoppedAt + (LEASE_SECONDS + 2) * 1000 - Date.now()));
    const continuedAt = Date.now();
    a.serve.cont();
    const mobiles = new Set([...(await sending), ...meanwhile]);
    await allFinal(`phase ${phase} final`);
    const copies = copiesOf(await inbox(), mobiles);
    const all = [...copies.values()].flat();
    assert.equal(copies.size, mobiles.size, 'every message reached its handset');
    const handsEmpty = stoppedAt + (IN_HAND / TPS) * 1000;
    const byOthers = all.filter(
      (x) => !x.from.startsWith(a.spNumber) && x.at > handsEmpty && x.at < continuedAt,
    );
    assert.ok(byOthers.length > 0, `phase ${phase}: B and C went on sending while A was stopped`);
    // After SIGCONT, A may claim again what it wrote before the stop and never recorded (its own
    // duplicates, within its window) under a fresh lease. What it must not do is write a message a
    // peer took over while A was stopped: a copy from A after the stop beside a copy from B or C.
    const byA = (c: Copy) => c.from.startsWith(a.spNumber);
    const late = [...copies.values()].filter(
      (list) => list.some((c) => byA(c) && c.at > continuedAt) && list.some((c) => !byA(c)),
    );
    assert.equal(
      late.length,
      0,
      `A wrote no copy of a message a peer took over: ${JSON.stringify(
        late.slice(0, 3).map((list) => list.map((c) => ({ from: c.from, after: c.at - continuedAt }))),
      )}`,
    );
    t.diagnostic(
      `stop ${inside ? 'inside' : 'outside'} a transaction: sent ${mobiles.size}, copies ${all.length}, duplicates ${all.length - copies.size}, B and C sent ${byOthers.length} during the stop once their hands were empty`,
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

  /** A backlog is queued, `victim` is killed, `survivors` take over. */
  const killPhase = async (phase: number, requests: number, victim: Node, survivors: Node[]) => {
    const before = await submits();
    const mobiles = await sendPhase(phase, requests, survivors[0] as Node);
    await waitSubmits(before + 300);
    const instances = await db.db.selectFrom('instances').selectAll().execute();
    const victimId = instances.find((i) => i.pid === victim.serve.pid)?.id;
    assert.ok(victimId, `${victim.name} is registered: ${JSON.stringify(instances)}`);
    const held: Held[] = await db.db
      .selectFrom('messages')
      .select(['id', 'mobile', 'status', 'lease_owner', 'not_before'])
      .where('mobile', 'in', [...mobiles])
      .where('status', 'in', ['QUEUED', 'SENDING'])
      .execute();
    const exited = victim.serve.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    await allFinal(`phase ${phase} final`);
    const copies = copiesOf(await inbox(), mobiles);
    const all = [...copies.values()].flat();
    assert.equal(copies.size, mobiles.size, 'every message reached its handset');
    const firstBy = (mobile: string, node: Node) =>
      (copies.get(mobile) ?? [])
        .filter((x) => x.from.startsWith(node.spNumber) && x.at > killedAt)
        .reduce((min, x) => Math.min(min, x.at), Number.POSITIVE_INFINITY);
    const firstBySurvivor = (mobile: string) => Math.min(...survivors.map((s) => firstBy(mobile, s)));
    // The victim's leases at the kill, in queue order; some it may still have recorded before dying.
    const ofVictim = held
      .filter((h) => h.status === 'SENDING' && h.lease_owner === victimId)
      .sort((x, y) => x.not_before - y.not_before || x.id - y.id);
    // One retried meanwhile (by the victim before it died, or by a survivor: a carrier's "busy")
    // waits for its back-off, and has a new place in the queue (its not_before).
    const after = new Map(
      (
        await db.db
          .selectFrom('messages')
          .select(['id', 'not_before'])
          .where(
            'id',
            'in',
            ofVictim.map((h) => h.id),
          )
          .execute()
      ).map((m) => [m.id, m.not_before]),
    );
    const inPlace = ofVictim.filter((h) => after.get(h.id) === h.not_before);
    const resent = inPlace
      .map((h) => ({ h, at: firstBySurvivor(h.mobile) }))
      .filter((r) => Number.isFinite(r.at));
    assert.ok(resent.length > 0, `${victim.name} held ${ofVictim.length} messages at the kill`);
    const lastResent = Math.max(...resent.map((r) => r.at));
    const slowest = resent.find((r) => r.at === lastResent);
    assert.ok(
      lastResent - killedAt <= 5000,
      `${victim.name}'s messages went out again ${lastResent - killedAt} ms after the kill: ${JSON.stringify(slowest?.h)} ${JSON.stringify(copies.get(slowest?.h.mobile ?? ''))} killed at ${killedAt}`,
    );
    // In their order: each survivor sends those it took over oldest first.
    for (const s of survivors) {
      const times = inPlace.map((h) => firstBy(h.mobile, s)).filter((at) => Number.isFinite(at));
      const outOfOrder = times.filter((at, i) => i > 0 && at < (times[i - 1] as number)).length;
      assert.equal(outOfOrder, 0, `${s.name} re-sent ${times.length} of ${victim.name}'s messages in order`);
    }
    // Ahead of the backlog: a survivor sends before them only what it held when they were handed back.
    const backlog = held.filter((h) => h.status === 'QUEUED');
    assert.ok(backlog.length > 4 * CLAIM, `a backlog of ${backlog.length} at the kill`);
    let overtaken = 0;
    for (const s of survivors) {
      const last = Math.max(...inPlace.map((h) => firstBy(h.mobile, s)).filter((at) => Number.isFinite(at)));
      const ahead = backlog.filter((h) => firstBy(h.mobile, s) < last).length;
      assert.ok(ahead <= IN_HAND, `${s.name} sent ${ahead} of the backlog before ${victim.name}'s messages`);
      overtaken += ahead;
    }
    const duplicates = all.length - copies.size;
    // How long before the kill the victim wrote what went out twice.
    const lag = [...copies.values()]
      .filter((list) => list.length > 1)
      .flatMap((list) => list.filter((x) => x.from.startsWith(victim.spNumber)).map((x) => killedAt - x.at));
    assert.ok(duplicates <= UNRECORDED, `${duplicates} duplicates after the kill of ${victim.name}`);
    t.diagnostic(
      `kill -9 with ${survivors.length + 1} processes: sent ${mobiles.size}, copies ${all.length}, duplicates ${duplicates}, ${victim.name} held ${ofVictim.length} (${ofVictim.length - inPlace.length} retried), re-sent within ${lastResent - killedAt} ms, the copies written ${lag.length > 0 ? `${Math.min(...lag)}–${Math.max(...lag)} ms` : 'never'} before the kill, backlog ${backlog.length} of which ${overtaken} went first`,
    );
  };
  await killPhase(3, 20, a, [b, c]);
  await killPhase(4, 12, b, [c]);
  t.diagnostic(`part copies on record ${JSON.stringify(await partCopies(db.db))}`);
  await c.serve.kill('SIGTERM');
});
