/**
 * Delivery reports meet their parts: a report marks its part final by (gateway, carrier id); one
 * that finds no part yet (it overtook the submit answer, or another process stored the part)
 * waits as an orphan and is matched when the part appears. A message ends when all its parts have.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { combineOutcomes, outcomeOfStat, type PartOutcome } from '../domain/status.js';
import type { Capabilities } from './connect.js';
import { finishMessages, type FinalMessage } from './finish.js';
import type { IdAllocator } from './ids.js';
import type { Database } from './schema.js';
import { chunked, eachRow } from './sql-values.js';

export interface ReportRecord {
  gatewayId: string;
  carrierMsgId: string;
  stat: string;
  mobile: string;
  doneAt: number;
  receivedAt: number;
}

/** What applying a group's reports did. */
export interface AppliedReports {
  orphaned: number;
  /** Reports that made a part final, by `reportKey`. */
  matched: Set<string>;
  /**
   * Reports for parts another transaction holds locked (PostgreSQL: a peer recording the same part,
   * or a paused peer's open transaction), by `reportKey`. They are not waited for: the caller
   * offers them again later, so a paused peer's locks never hold up this process's own records.
   */
  busy: Set<string>;
  /** Reports for which no part is stored (yet), by `reportKey`: orphans. */
  absent: Set<string>;
}

export const reportKey = (gatewayId: string, carrierMsgId: string): string =>
  `${gatewayId}\u0000${carrierMsgId}`;

/**
 * Marks reported parts final. Intermediate stats (ACCEPTD, ENROUTE) change nothing; a report for
 * a part already final is a duplicate and changes nothing; one for no known part becomes an orphan.
 */
export async function applyReports(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  reports: readonly ReportRecord[],
  touched: Set<number>,
  keepOrphans: boolean,
): Promise<AppliedReports> {
  const finalReports = reports
    .map((r) => ({ r, outcome: outcomeOfStat(r.stat) }))
    .filter((x): x is { r: ReportRecord; outcome: PartOutcome } => x.outcome !== null);
  const matched = new Set<string>();
  const busy = new Set<string>();
  const updated = await eachRow(
    tx,
    caps,
    finalReports.map(({ r, outcome }) => [
      r.gatewayId,
      r.carrierMsgId,
      outcome,
      r.stat.slice(0, 32),
      r.doneAt,
    ]),
    {
      types: ['text', 'text', 'text', 'text', 'bigint'],
      build: (col, from) =>
        caps.skipLocked
          ? // Only parts this transaction can lock at once: one another session holds is skipped
            // (and found busy below) instead of waited for.
            sql<{ message_id: number; gateway_id: string; carrier_msg_id: string }>`
        WITH locked AS MATERIALIZED (
          SELECT p.message_id, p.part_no, ${col(3)} AS status, ${col(4)} AS stat, ${col(5)} AS done_at
          FROM message_parts p ${from.join}
          WHERE p.gateway_id = ${col(1)} AND p.carrier_msg_id = ${col(2)} AND p.status = 'SUBMITTED'
          FOR UPDATE OF p SKIP LOCKED)
        UPDATE message_parts SET status = locked.status, stat = locked.stat, done_at = locked.done_at
        FROM locked
        WHERE message_parts.message_id = locked.message_id AND message_parts.part_no = locked.part_no
          AND message_parts.status = 'SUBMITTED'
        RETURNING message_parts.message_id, message_parts.gateway_id, message_parts.carrier_msg_id`
          : sql<{ message_id: number; gateway_id: string; carrier_msg_id: string }>`
        UPDATE message_parts SET status = ${col(3)}, stat = ${col(4)}, done_at = ${col(5)}
        ${from.clause}
        WHERE message_parts.gateway_id = ${col(1)} AND message_parts.carrier_msg_id = ${col(2)}
          AND message_parts.status = 'SUBMITTED'
        RETURNING message_parts.message_id, message_parts.gateway_id, message_parts.carrier_msg_id`,
    },
  );
  for (const u of updated) {
    touched.add(u.message_id);
    matched.add(reportKey(u.gateway_id, u.carrier_msg_id));
  }
  const absent = new Set<string>();
  const unmatched = finalReports.filter(({ r }) => !matched.has(reportKey(r.gatewayId, r.carrierMsgId)));
  if (unmatched.length === 0) return { orphaned: 0, matched, busy, absent };
  // An unmatched report is a duplicate (its part is final), an orphan (no part yet), or, where rows
  // can be locked, busy (another session holds its part).
  const found = await eachRow(
    tx,
    caps,
    unmatched.map(({ r }) => [r.gatewayId, r.carrierMsgId]),
    {
      types: ['text', 'text'],
      build: (col, from) => sql<{ gateway_id: string; carrier_msg_id: string; status: string }>`
        SELECT p.gateway_id, p.carrier_msg_id, p.status FROM message_parts p ${from.join}
        WHERE p.gateway_id = ${col(1)} AND p.carrier_msg_id = ${col(2)}`,
    },
  );
  const known = new Set<string>();
  for (const f of found) {
    const key = reportKey(f.gateway_id, f.carrier_msg_id);
    known.add(key);
    // Still waiting for its report yet not updated: another session holds the row.
    if (f.status === 'SUBMITTED') busy.add(key);
  }
  for (const { r } of unmatched) {
    const key = reportKey(r.gatewayId, r.carrierMsgId);
    if (!known.has(key)) absent.add(key);
  }
  if (!keepOrphans) return { orphaned: 0, matched, busy, absent };
  const orphans = unmatched
    .filter(({ r }) => absent.has(reportKey(r.gatewayId, r.carrierMsgId)))
    .map(({ r }) => ({
      id: ids.take(),
      gateway_id: r.gatewayId,
      carrier_msg_id: r.carrierMsgId,
      stat: r.stat.slice(0, 32),
      mobile: r.mobile,
      done_at: r.doneAt,
      received_at: r.receivedAt,
    }));
  for (const chunk of chunked(orphans, 500)) await tx.insertInto('orphan_reports').values(chunk).execute();
  return { orphaned: orphans.length, matched, busy, absent };
}

/** Reports that arrived before their part was stored, matched now that it is. */
export async function matchOrphans(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  newParts: readonly { gatewayId: string; carrierMsgId: string }[],
  touched: Set<number>,
): Promise<number> {
  // Orphans are rare: one cheap look saves a lookup per new part.
  if (
    newParts.length === 0 ||
    !(await tx.selectFrom('orphan_reports').select('id').limit(1).executeTakeFirst())
  )
    return 0;
  let matchedCount = 0;
  for (const chunk of chunked(newParts, 500)) {
    const found = await eachRow(
      tx,
      caps,
      chunk.map((p) => [p.gatewayId, p.carrierMsgId]),
      {
        types: ['text', 'text'],
        build: (col, from) => sql<{
          id: number;
          gateway_id: string;
          carrier_msg_id: string;
          stat: string;
          mobile: string;
          done_at: number;
          received_at: number;
        }>`
          SELECT o.id, o.gateway_id, o.carrier_msg_id, o.stat, o.mobile, o.done_at, o.received_at FROM orphan_reports o ${from.join}
          WHERE o.gateway_id = ${col(1)} AND o.carrier_msg_id = ${col(2)}
          ${caps.skipLocked ? sql`FOR UPDATE OF o SKIP LOCKED` : sql``}`,
      },
    );
    if (found.length === 0) continue;
    const reports = found.map((o) => ({
      gatewayId: o.gateway_id,
      carrierMsgId: o.carrier_msg_id,
      stat: o.stat,
      mobile: o.mobile,
      doneAt: o.done_at,
      receivedAt: o.received_at,
    }));
    // An orphan whose part another session holds, or whose part is not stored yet (the sweeper
    // looks at every orphan), stays for a later look.
    const { busy, absent } = await applyReports(tx, caps, ids, reports, touched, false);
    const done = found.filter((o) => {
      const key = reportKey(o.gateway_id, o.carrier_msg_id);
      return !busy.has(key) && !absent.has(key);
    });
    if (done.length === 0) continue;
    await tx
      .deleteFrom('orphan_reports')
      .where(
        'id',
        'in',
        done.map((o) => o.id),
      )
      .execute();
    matchedCount += done.length;
  }
  return matchedCount;
}

/** Re-tries every stored orphan (the sweeper's job): parts may have been stored by another process. */
export async function rematchOrphans(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  now: number,
  limit = 1000,
): Promise<number> {
  // Only orphans whose part is stored now: those still waiting for theirs (until purged by age)
  // must not crowd out the ones that can be matched.
  const orphans = await db
    .selectFrom('orphan_reports as o')
    .innerJoin('message_parts as p', (join) =>
      join.onRef('p.gateway_id', '=', 'o.gateway_id').onRef('p.carrier_msg_id', '=', 'o.carrier_msg_id'),
    )
    .select(['o.gateway_id', 'o.carrier_msg_id'])
    .orderBy('o.id')
    .limit(limit)
    .execute();
  if (orphans.length === 0) return 0;
  await ids.reserve(orphans.length + 1);
  return db.transaction().execute(async (tx) => {
    const touched = new Set<number>();
    const matched = await matchOrphans(
      tx,
      caps,
      ids,
      orphans.map((o) => ({ gatewayId: o.gateway_id, carrierMsgId: o.carrier_msg_id })),
      touched,
    );
    await finishMessages(tx, caps, ids, await completedMessages(tx, [...touched], now), now);
    return matched;
  });
}

/**
 * SUBMITTED messages whose every part now has a final report. Those with some parts final and some
 * not go to `partial`: another process may be finishing the rest in a transaction this one cannot
 * see yet, so the writer looks at them again after its commit (docs/multinode.md).
 */
export async function completedMessages(
  tx: Transaction<Database>,
  messageIds: readonly number[],
  now: number,
  partial?: number[],
): Promise<FinalMessage[]> {
  const finals: FinalMessage[] = [];
  for (const chunk of chunked(messageIds, 1000)) {
    const messages = await tx
      .selectFrom('messages')
      .select(['id', 'segments'])
      .where('id', 'in', chunk)
      .where('status', '=', 'SUBMITTED')
      .execute();
    if (messages.length === 0) continue;
    const parts = await tx
      .selectFrom('message_parts')
      .select(['message_id', 'part_no', 'total', 'status', 'stat', 'done_at'])
      .where(
        'message_id',
        'in',
        messages.map((m) => m.id),
      )
      .execute();
    const byMessage = new Map<number, typeof parts>();
    for (const p of parts) {
      const list = byMessage.get(p.message_id) ?? [];
      list.push(p);
      byMessage.set(p.message_id, list);
    }
    for (const m of messages) {
      const list = (byMessage.get(m.id) ?? []).sort((a, b) => a.part_no - b.part_no);
      // Complete when every part of the current cut has its final report.
      const total = list[0]?.total ?? m.segments;
      if (list.length < total || list.some((p) => p.status === 'SUBMITTED')) {
        if (list.some((p) => p.status !== 'SUBMITTED')) partial?.push(m.id);
        continue;
      }
      const status = combineOutcomes(list.map((p) => p.status as PartOutcome));
      const telling = list.find((p) => p.status === status) ?? list[0];
      finals.push({
        id: m.id,
        status,
        stat: telling?.stat ?? null,
        error: null,
        refund: 0,
        doneAt: Math.max(...list.map((p) => p.done_at ?? now)),
      });
    }
  }
  return finals;
}
