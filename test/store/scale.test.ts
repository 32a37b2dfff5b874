/**
 * Statements whose cost must not grow with the tables (docs/performance.md): the dashboard, the
 * metrics' pending counts, the message search with a filter that rarely matches, the report pull and
 * the sequencer's check, the duplicate-copies gauge. Rows are generated in the database in one statement; the proof is each
 * statement's plan (EXPLAIN / EXPLAIN QUERY PLAN), never a time: no full scan of messages or
 * delivery reports, only an index seek or a partial index that holds the rare rows. The maintained
 * counts must equal a full count. SMS12333_SCALE_ROWS sets the size (1,000,000 works; CI uses less).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql, type Kysely, type KyselyPlugin } from 'kysely';
import { messageVolume, provinceVolume, statusDepth } from '../../src/store/console-stats.js';
import { pullReports, sequenceFeeds } from '../../src/store/feeds.js';
import { countMessagesUpTo, searchMessages } from '../../src/store/message-search.js';
import { pendingTallies, rebuildTallies } from '../../src/store/message-tallies.js';
import { claimMessages, pendingCounts } from '../../src/store/outbox.js';
import { partCopies } from '../../src/store/part-writes.js';
import type { Database } from '../../src/store/schema.js';
import { DIALECTS, openTestStore } from '../helpers/databases.js';
import { createTestApp } from '../helpers/apps.js';

const ROWS = Number(process.env.SMS12333_SCALE_ROWS ?? 200_000);
const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 10, 27, 16, 0, 0); // a Beijing midnight
const FIRST = TODAY - 29 * DAY;

type Store = Awaited<ReturnType<typeof openTestStore>>;

/** Runs `work` against a handle that records every statement it sends. */
async function statementsOf(db: Kysely<Database>, work: (db: Kysely<Database>) => Promise<unknown>) {
  const seen: CompiledQuery[] = [];
  const capture: KyselyPlugin = {
    transformQuery(args) {
      seen.push(db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  await work(db.withPlugin(capture));
  return seen;
}

async function planOf(store: Store, q: CompiledQuery): Promise<string> {
  const prefix = store.caps.dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN ' : 'EXPLAIN ';
  const rows = await store.db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(prefix + q.sql, [...q.parameters]),
  );
  return rows.rows.map((r) => String(r.detail ?? r['QUERY PLAN'])).join('\n');
}

/** Partial indexes whose rows are few by design (pending, failed, unnumbered). */
const SMALL_INDEXES =
  /messages_(sending|failed_created|expired_created|rejected_created|unknown_created|blocked_created)|_unsequenced/;

function assertNoFullScan(plan: string, what: string): void {
  for (const line of plan.split('\n')) {
    // SQLite: "SCAN m" or "SCAN messages USING INDEX messages_created" walks every row.
    const sqliteScan = /\bSCAN (messages|m|delivery_reports)\b/.exec(line);
    if (sqliteScan && !SMALL_INDEXES.test(line)) assert.fail(`${what}: full scan\n${plan}`);
    if (/\bSCAN part_writes\b/.test(line) && !/part_writes_copies/.test(line))
      assert.fail(`${what}: full scan\n${plan}`);
    if (/Seq Scan on (messages|delivery_reports|part_writes)\b/.test(line))
      assert.fail(`${what}: full scan\n${plan}`);
    // Walking the creation-time index until a page is full: every message when the filter is rare.
    if (/\bmessages_created\b/.test(line)) assert.fail(`${what}: walks messages by creation time\n${plan}`);
  }
}

async function generate(store: Store, appId: number): Promise<void> {
  const pg = store.caps.dialect === 'postgres';
  await store.db
    .insertInto('batches')
    .values({
      id: 1,
      app_id: appId,
      client_msg_id: null,
      signature: '【人社局】',
      content: 'x',
      src_ext: '',
      islong: 0,
      category: 'notice',
      send_at: null,
      total: ROWS,
      created_at: FIRST,
      response: '{}',
    })
    .execute();
  const series = pg
    ? sql`generate_series(1::bigint, ${sql.lit(ROWS)}::bigint) AS s(i)`
    : sql`(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${sql.lit(ROWS)}) SELECT i FROM s) AS s`;
  const mobile = pg ? sql`'138' || lpad(i::text, 8, '0')` : sql`'138' || printf('%08d', i)`;
  // One in a thousand FAILED, a few pending, one in 997 on a small carrier; 30 days of creation times.
  await sql`
    INSERT INTO messages (id, batch_id, app_id, mobile, carrier, status, segments, charged, not_before,
      valid_until, created_at, lease_owner, lease_until, gateway_id, submitted_at, deadline_at, done_at, stat, error)
    SELECT 1000000000 + i, 1, ${sql.lit(appId)}, ${mobile},
      CASE WHEN i % 997 = 0 THEN 'cbn' ELSE 'cmcc' END,
      CASE i % 1000 WHEN 0 THEN 'FAILED' WHEN 1 THEN 'QUEUED' WHEN 2 THEN 'SUBMITTED' WHEN 3 THEN 'HELD'
        WHEN 4 THEN 'SENDING' ELSE 'DELIVERED' END,
      1, 1, ${sql.lit(FIRST)} + i * ${sql.lit(Math.floor((30 * DAY) / ROWS))}, NULL,
      ${sql.lit(FIRST)} + i * ${sql.lit(Math.floor((30 * DAY) / ROWS))},
      CASE WHEN i % 1000 = 4 THEN 'o1' END, CASE WHEN i % 1000 = 4 THEN ${sql.lit(TODAY + DAY)} END,
      CASE WHEN i % 1000 IN (0, 2) OR i % 1000 > 4 THEN 'g1' END, NULL, NULL, NULL, NULL, NULL
    FROM ${series}`.execute(store.db);
  await sql`
    INSERT INTO delivery_reports (id, seq, app_id, message_id, mobile, status, stat, done_at, created_at)
    SELECT 2000000000 + i, CASE WHEN i % 1000 = 7 THEN NULL ELSE i END, ${sql.lit(appId)}, 1000000000 + i,
      ${mobile}, 'DELIVERED', 'DELIVRD', ${sql.lit(FIRST)}, ${sql.lit(FIRST)}
    FROM ${series}`.execute(store.db);
  // Uncertain writes for one message in ten; one in a hundred of those written again.
  await sql`
    INSERT INTO part_writes (message_id, part_no, total, uncertain, copies, copy_reason, updated_at)
    SELECT 1000000000 + i, 1, 1, 'UNANSWERED', CASE WHEN i % 1000 = 0 THEN 1 ELSE 0 END,
      CASE WHEN i % 1000 = 0 THEN 'UNANSWERED' END, ${sql.lit(FIRST)}
    FROM ${series} WHERE i % 10 = 0`.execute(store.db);
  // What migration 0070 does for existing rows; PostgreSQL's autovacuum would gather statistics.
  await rebuildTallies(store.db, store.caps);
  if (pg) await sql`ANALYZE`.execute(store.db);
}

for (const dialect of DIALECTS) {
  test(`${dialect}: dashboard, metrics, rare-filter search and report pull use an index or a counter at ${ROWS} rows`, async () => {
    const store = await openTestStore(dialect);
    try {
      const app = await createTestApp(store.db, 'a');
      await store.db.updateTable('apps').set({ province: '11' }).where('id', '=', app.id).execute();
      await generate(store, app.id);

      const cases: [string, (db: Kysely<Database>) => Promise<unknown>, RegExp?][] = [
        ['dashboard today', (db) => messageVolume(db, TODAY, TODAY + DAY, 3_600_000)],
        ['dashboard 30 days', (db) => messageVolume(db, FIRST, TODAY, DAY)],
        ['dashboard queue', (db) => statusDepth(db, ['HELD', 'QUEUED', 'SENDING', 'SUBMITTED'])],
        ['dashboard provinces', (db) => provinceVolume(db, FIRST, TODAY + DAY)],
        ['metrics pending', (db) => pendingCounts(db)],
        ['metrics part copies', (db) => partCopies(db), /part_writes_copies/],
        [
          'search FAILED',
          (db) => searchMessages(db, { status: 'FAILED' }, null, 51),
          /messages_failed_created/,
        ],
        [
          'count FAILED',
          (db) => countMessagesUpTo(db, { status: 'FAILED' }, 10_000),
          /messages_failed_created/,
        ],
        [
          'search carrier',
          (db) => searchMessages(db, { carrier: 'cbn' }, null, 51),
          /messages_carrier_created/,
        ],
        [
          'count carrier',
          (db) => countMessagesUpTo(db, { carrier: 'cbn' }, 10_000),
          /messages_carrier_created/,
        ],
        ['report pull', (db) => pullReports(db, app.id, Math.floor(ROWS / 2), 500)],
        ['sequencer check', (db) => sequenceFeeds(db, store.caps, 1)],
      ];
      for (const [what, work, index] of cases) {
        const statements = await statementsOf(store.db, work);
        assert.ok(statements.length > 0, what);
        const plans: string[] = [];
        for (const q of statements) {
          // The sequencer's own numbering write is not a read: its check is what runs every second.
          if (!/^\s*(SELECT|WITH)/i.test(q.sql)) continue;
          const plan = await planOf(store, q);
          assertNoFullScan(plan, what);
          plans.push(plan);
        }
        if (index) assert.match(plans.join('\n'), index, `${what} uses its index`);
      }

      // The counters equal the true counts.
      const truth = await sql<{ status: string; n: number | string }>`
        SELECT status, count(*) AS n FROM messages WHERE status IN ('HELD', 'QUEUED', 'SENDING', 'SUBMITTED')
        GROUP BY status`.execute(store.db);
      const want = { HELD: 0, QUEUED: 0, SENDING: 0, SUBMITTED: 0 };
      for (const r of truth.rows) want[r.status as keyof typeof want] = Number(r.n);
      assert.deepEqual(await pendingTallies(store.db), want);
      const total = await sql<{ n: number | string }>`
        SELECT count(*) AS n FROM messages WHERE created_at >= ${FIRST} AND created_at < ${TODAY}`.execute(
        store.db,
      );
      const cells = await messageVolume(store.db, FIRST, TODAY, DAY);
      assert.equal(
        cells.reduce((sum, c) => sum + c.n, 0),
        Number(total.rows[0]?.n),
      );

      // The dispatcher's claim reads the queue through its partial index, not every message of the
      // carriers it names (last: it moves the due QUEUED messages to SENDING).
      const [claim] = await statementsOf(store.db, (db) =>
        claimMessages(db, store.caps, {
          owner: 'o2',
          leaseUntil: TODAY + 2 * DAY,
          now: TODAY + DAY,
          carriers: ['cmcc', 'cbn'],
          limit: 100,
        }),
      );
      assert.ok(claim, 'claim statement');
      const claimPlan = await planOf(store, claim);
      assertNoFullScan(claimPlan, 'claim');
      assert.match(claimPlan, /messages_queued/, 'claim uses the queue index');
      assert.doesNotMatch(claimPlan, /messages_carrier_created/, 'claim leaves the carrier index');
    } finally {
      await store.drop();
    }
  });
}
