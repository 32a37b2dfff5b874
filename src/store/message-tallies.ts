/**
 * Maintained message counts (migration 0070, docs/performance.md): the dashboard's volume and the
 * queue by status read these few rows instead of counting messages. Every statement that creates,
 * ends, moves or deletes messages passes what it changed to `recordTallies` in its own transaction:
 * one insert of signed deltas per transaction, with no row shared between writers. The sweeper
 * folds the deltas into `message_tallies`; readers add the deltas not yet folded. SENDING is
 * counted as QUEUED (claims and releases change no count); the SENDING messages themselves are
 * counted through their partial index, which holds only what dispatchers have in hand.
 * `rebuildTallies` counts everything afresh (after a restore, or `sms12333 migrate --rebuild-tallies`).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import type { Database, MessageTalliesTable } from './schema.js';
import { advisoryXactLock, LOCK_KEYS, tryAdvisoryXactLock } from './pg-own-schema.js';
import { chunked } from './sql-values.js';

export const HOUR_MS = 3_600_000;
/** Pending statuses as the tallies keep them (SENDING is within QUEUED). */
const TALLIED_PENDING = ['HELD', 'QUEUED', 'SUBMITTED'] as const;

/** What a message is counted under. */
export interface TallyKey {
  createdAt: number;
  appId: number;
  carrier: string;
  gatewayId: string | null;
  status: string;
}

/** A message row as far as the counts care. */
export interface TallyRow {
  id: number;
  status: string;
  created_at: number;
  app_id: number;
  carrier: string;
  gateway_id: string | null;
}

export const tallyKey = (r: Omit<TallyRow, 'id'>): TallyKey => ({
  createdAt: r.created_at,
  appId: r.app_id,
  carrier: r.carrier,
  gatewayId: r.gateway_id,
  status: r.status,
});

/** Signed changes to the counts, summed per key before they are written. */
export class TallyChanges {
  private readonly rows = new Map<string, MessageTalliesTable>();

  add(k: TallyKey, n: number): this {
    const hour = Math.floor(k.createdAt / HOUR_MS) * HOUR_MS;
    const status = k.status === 'SENDING' ? 'QUEUED' : k.status;
    const gateway = k.gatewayId ?? '';
    const id = `${hour}\u0000${k.appId}\u0000${k.carrier}\u0000${gateway}\u0000${status}`;
    const row = this.rows.get(id);
    if (row) row.n += n;
    else this.rows.set(id, { hour, app_id: k.appId, carrier: k.carrier, gateway_id: gateway, status, n });
    return this;
  }

  /** The message left `from` for `to`; the gateway is `to`'s (a message gets one only when SUBMITTED). */
  move(from: TallyKey, to: Pick<TallyKey, 'status' | 'gatewayId'>): this {
    return this.add(from, -1).add({ ...from, ...to }, 1);
  }

  deltas(): MessageTalliesTable[] {
    return [...this.rows.values()].filter((r) => r.n !== 0);
  }
}

/** New messages, counted under their first status. */
export function admittedTallies(
  rows: readonly { created_at: number; app_id: number; carrier: string; status: string }[],
): TallyChanges {
  const changes = new TallyChanges();
  for (const r of rows)
    changes.add(
      { createdAt: r.created_at, appId: r.app_id, carrier: r.carrier, gatewayId: null, status: r.status },
      1,
    );
  return changes;
}

/** SENDING messages a carrier took: SUBMITTED on the gateway that took them. */
export function submittedTallies(
  rows: readonly { created_at: number; app_id: number; carrier: string; gateway_id: string }[],
): TallyChanges {
  const changes = new TallyChanges();
  for (const r of rows)
    changes.move(
      { createdAt: r.created_at, appId: r.app_id, carrier: r.carrier, gatewayId: null, status: 'QUEUED' },
      { status: 'SUBMITTED', gatewayId: r.gateway_id },
    );
  return changes;
}

export async function recordTallies(tx: Transaction<Database>, changes: TallyChanges): Promise<void> {
  for (const chunk of chunked(changes.deltas(), 500))
    await tx.insertInto('message_tally_deltas').values(chunk).execute();
}

/** Folds the recorded deltas into the counts; one fold at a time. Nothing to fold: no write. */
export async function foldTallies(db: Kysely<Database>, caps: Capabilities): Promise<boolean> {
  const any = await db.selectFrom('message_tally_deltas').select('hour').limit(1).execute();
  if (any.length === 0) return false;
  return db.transaction().execute(async (tx) => {
    if (caps.dialect === 'postgres') {
      const got = await tryAdvisoryXactLock(LOCK_KEYS.tallyFold).execute(tx);
      if (got.rows[0]?.ok !== true) return false;
      await sql`
        WITH d AS (DELETE FROM message_tally_deltas RETURNING hour, app_id, carrier, gateway_id, status, n)
        INSERT INTO message_tallies (hour, app_id, carrier, gateway_id, status, n)
        SELECT hour, app_id, carrier, gateway_id, status, sum(n) FROM d
        GROUP BY hour, app_id, carrier, gateway_id, status ORDER BY hour, app_id, carrier, gateway_id, status
        ON CONFLICT (hour, app_id, carrier, gateway_id, status) DO UPDATE SET n = message_tallies.n + excluded.n`.execute(
        tx,
      );
    } else {
      // One writer at a time on SQLite: what this transaction reads is what it deletes.
      await sql`
        INSERT INTO message_tallies (hour, app_id, carrier, gateway_id, status, n)
        SELECT hour, app_id, carrier, gateway_id, status, sum(n) FROM message_tally_deltas WHERE true
        GROUP BY hour, app_id, carrier, gateway_id, status
        ON CONFLICT (hour, app_id, carrier, gateway_id, status) DO UPDATE SET n = message_tallies.n + excluded.n`.execute(
        tx,
      );
      await sql`DELETE FROM message_tally_deltas`.execute(tx);
    }
    await tx
      .deleteFrom('message_tallies')
      .where('status', 'in', [...TALLIED_PENDING])
      .where('n', '=', 0)
      .execute();
    return true;
  });
}

/** Counts every message afresh (a full scan: after a restore or by command, never per request). */
export async function rebuildTallies(db: Kysely<Database>, caps: Capabilities): Promise<void> {
  const run = async (tx: Transaction<Database>): Promise<void> => {
    if (caps.dialect === 'postgres') await advisoryXactLock(LOCK_KEYS.tallyFold).execute(tx);
    await tx.deleteFrom('message_tally_deltas').execute();
    await tx.deleteFrom('message_tallies').execute();
    await sql`
      INSERT INTO message_tallies (hour, app_id, carrier, gateway_id, status, n)
      SELECT (created_at / ${sql.lit(HOUR_MS)}) * ${sql.lit(HOUR_MS)}, app_id, carrier, COALESCE(gateway_id, ''),
        CASE WHEN status = 'SENDING' THEN 'QUEUED' ELSE status END, count(*)
      FROM messages WHERE true GROUP BY 1, 2, 3, 4, 5`.execute(tx);
  };
  // One snapshot on PostgreSQL: the deltas it drops are exactly those of the changes it counts.
  if (caps.dialect === 'postgres') await db.transaction().setIsolationLevel('repeatable read').execute(run);
  else await db.transaction().execute(run);
}

export interface TallyCell {
  hour: number;
  appId: number;
  carrier: string;
  gatewayId: string | null;
  status: string;
  n: number;
}

type CountRow = Omit<MessageTalliesTable, 'n'> & { n: number | string };

function cells(rows: readonly CountRow[]): TallyCell[] {
  return rows
    .map((r) => ({
      hour: r.hour,
      appId: r.app_id,
      carrier: r.carrier,
      gatewayId: r.gateway_id === '' ? null : r.gateway_id,
      status: r.status,
      n: Number(r.n),
    }))
    .filter((c) => c.n !== 0);
}

/**
 * SENDING messages by key: few (what dispatchers hold), read through their partial index alone
 * (a range on created_at here would let the planner walk the creation index instead).
 */
async function sendingCells(db: Kysely<Database>, from: number, to: number): Promise<TallyCell[]> {
  const hour = sql<number>`(created_at / ${sql.lit(HOUR_MS)}) * ${sql.lit(HOUR_MS)}`;
  const rows = await db
    .selectFrom('messages')
    .select((eb) => [
      hour.as('hour'),
      'app_id',
      'carrier',
      eb.fn.coalesce('gateway_id', sql.lit('')).as('gateway_id'),
      sql.lit('SENDING').as('status'),
      eb.fn.countAll<number | string>().as('n'),
    ])
    .where('status', '=', sql.lit('SENDING'))
    .groupBy([hour, 'app_id', 'carrier', 'gateway_id'])
    .execute();
  return cells(rows as CountRow[]).filter((c) => c.hour >= from && c.hour < to);
}

/** SENDING taken out of QUEUED, so the cells carry each message's real status. */
function withSending(tallied: TallyCell[], sending: readonly TallyCell[]): TallyCell[] {
  const queued = new Map<string, TallyCell>();
  const key = (c: TallyCell) => `${c.hour}\u0000${c.appId}\u0000${c.carrier}\u0000${c.gatewayId ?? ''}`;
  for (const c of tallied) if (c.status === 'QUEUED') queued.set(key(c), c);
  const out = [...tallied];
  for (const s of sending) {
    const q = queued.get(key(s));
    if (q) q.n -= s.n;
    out.push(s);
  }
  return out.filter((c) => c.n !== 0);
}

/** Messages created in [from, to) (hour-aligned), per hour, app, carrier, gateway and status. */
export async function tallyCells(db: Kysely<Database>, from: number, to: number): Promise<TallyCell[]> {
  const part = (table: 'message_tallies' | 'message_tally_deltas') =>
    db
      .selectFrom(table)
      .select(['hour', 'app_id', 'carrier', 'gateway_id', 'status', 'n'])
      .where('hour', '>=', from)
      .where('hour', '<', to);
  const rows = await db
    .selectFrom(part('message_tallies').unionAll(part('message_tally_deltas')).as('t'))
    .select((eb) => [
      'hour',
      'app_id',
      'carrier',
      'gateway_id',
      'status',
      eb.fn.sum<number | string>('n').as('n'),
    ])
    .groupBy(['hour', 'app_id', 'carrier', 'gateway_id', 'status'])
    .execute();
  return withSending(cells(rows), await sendingCells(db, from, to));
}

export type PendingCounts = Record<'HELD' | 'QUEUED' | 'SENDING' | 'SUBMITTED', number>;

/**
 * Messages not yet final, by status, whenever created: one statement (one snapshot), reading the
 * pending rows of the tallies, the deltas not yet folded and the SENDING messages.
 */
export async function pendingTallies(db: Kysely<Database>): Promise<PendingCounts> {
  const pending = sql.join(TALLIED_PENDING.map((s) => sql.lit(s)));
  const rows = await sql<{ status: string; n: number | string }>`
    SELECT status, sum(n) AS n FROM (
      SELECT status, n FROM message_tallies WHERE status IN (${pending})
      UNION ALL SELECT status, n FROM message_tally_deltas WHERE status IN (${pending})
      UNION ALL SELECT 'SENDING', count(*) FROM messages WHERE status = 'SENDING'
      UNION ALL SELECT 'QUEUED', -count(*) FROM messages WHERE status = 'SENDING'
    ) AS t GROUP BY status`.execute(db);
  const out: PendingCounts = { HELD: 0, QUEUED: 0, SENDING: 0, SUBMITTED: 0 };
  for (const r of rows.rows) if (r.status in out) out[r.status as keyof PendingCounts] = Number(r.n);
  return out;
}
