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
): Promise<{ orphaned: number; matched: Set<string> }> {
  const finalReports = reports
    .map((r) => ({ r, outcome: outcomeOfStat(r.stat) }))
    .filter((x): x is { r: ReportRecord; outcome: PartOutcome } => x.outcome !== null);
  const matched = new Set<string>();
  const key = (gatewayId: string, carrierMsgId: string): string => `${gatewayId}\u0000${carrierMsgId}`;
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
      build: (col, from) => sql<{ message_id: number; gateway_id: string; carrier_msg_id: string }>`
        UPDATE message_parts SET status = ${col(3)}, stat = ${col(4)}, done_at = ${col(5)}
        ${from.clause}
        WHERE message_parts.gateway_id = ${col(1)} AND message_parts.carrier_msg_id = ${col(2)}
          AND message_parts.status = 'SUBMITTED'
        RETURNING message_parts.message_id, message_parts.gateway_id, message_parts.carrier_msg_id`,
    },
  );
  for (const u of updated) {
    touched.add(u.message_id);
    matched.add(key(u.gateway_id, u.carrier_msg_id));
  }
  if (!keepOrphans) return { orphaned: 0, matched };

  const unmatched = finalReports.filter(({ r }) => !matched.has(key(r.gatewayId, r.carrierMsgId)));
  if (unmatched.length === 0) return { orphaned: 0, matched };
  const found = await eachRow(
    tx,
    caps,
    unmatched.map(({ r }) => [r.gatewayId, r.carrierMsgId]),
    {
      types: ['text', 'text'],
      build: (col, from) => sql<{ gateway_id: string; carrier_msg_id: string }>`
        SELECT p.gateway_id, p.carrier_msg_id FROM message_parts p ${from.join}
        WHERE p.gateway_id = ${col(1)} AND p.carrier_msg_id = ${col(2)}`,
    },
  );
  const known = new Set(found.map((f) => key(f.gateway_id, f.carrier_msg_id)));
  const orphans = unmatched
    .filter(({ r }) => !known.has(key(r.gatewayId, r.carrierMsgId)))
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
  return { orphaned: orphans.length, matched };
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
          WHERE o.gateway_id = ${col(1)} AND o.carrier_msg_id = ${col(2)}`,
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
    await applyReports(tx, caps, ids, reports, touched, false);
    await tx
      .deleteFrom('orphan_reports')
      .where(
        'id',
        'in',
        found.map((o) => o.id),
      )
      .execute();
    matchedCount += found.length;
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
  const orphans = await db
    .selectFrom('orphan_reports')
    .select(['gateway_id', 'carrier_msg_id'])
    .orderBy('id')
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
