/**
 * The correlator's transaction: what the gateways answered (submit outcomes), what the carriers
 * reported (delivery reports) and what citizens sent (uplinks), written together in arrival order.
 * Arrival order matters: a part's carrier id is stored before its report is matched; a report that
 * still finds no part (it overtook the answer, or another process holds it) waits as an orphan and
 * is matched when the part appears.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { combineOutcomes, outcomeOfStat, type PartOutcome } from '../domain/status.js';
import type { IdAllocator } from './ids.js';
import { finishMessages, partCounts, type FinalMessage } from './finish.js';
import type { Database } from './schema.js';
import type { Capabilities } from './connect.js';
import {
  claimMessages,
  releaseClaims,
  type ClaimedMessage,
  type ClaimRequest,
  type ReleaseRequest,
} from './outbox.js';
import { chunked, eachRow } from './sql-values.js';

export interface SubmissionRecord {
  messageId: number;
  gatewayId: string;
  /** The lease owner that sent it: a message whose lease was taken over is not touched. */
  owner: string;
  accepted: { partNo: number; total: number; carrierMsgId: string }[];
  /** Why the remaining parts were not taken; null when every part is now accepted. */
  failure: null | {
    kind: 'retry' | 'unanswered' | 'rejected';
    code: string;
    reason: string;
    unansweredParts: number;
  };
}

export interface ReportRecord {
  gatewayId: string;
  carrierMsgId: string;
  stat: string;
  mobile: string;
  doneAt: number;
  receivedAt: number;
}

export interface UplinkRecord {
  gatewayId: string;
  carrierMsgId: string;
  mobile: string;
  destId: string;
  ext: string;
  appId: number | null;
  text: string;
  concat: { reference: number; total: number; partNo: number } | null;
  receivedAt: number;
}

export interface OutcomeSettings {
  reportDeadlineMs: number;
  validityMs: number;
  maxAttempts: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface PipelineEvents {
  submissions: readonly SubmissionRecord[];
  reports: readonly ReportRecord[];
  uplinks: readonly UplinkRecord[];
  /** The dispatcher's claims and releases ride along, so they cost no commit of their own. */
  claims?: readonly ClaimRequest[];
  releases?: readonly ReleaseRequest[];
}

export interface RecordSummary {
  finished: number;
  orphaned: number;
  matchedOrphans: number;
  /** One list per claim request, in order. */
  claimed: ClaimedMessage[][];
}

export function idsForEvents(events: PipelineEvents): number {
  return events.submissions.length + 2 * events.reports.length + events.uplinks.length + 1;
}

export function retryDelay(attempts: number, settings: OutcomeSettings): number {
  const exp = Math.min(30, Math.max(0, attempts - 1));
  return Math.min(settings.retryMaxMs, settings.retryMinMs * 2 ** exp);
}

export async function recordEvents(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  events: PipelineEvents,
  settings: OutcomeSettings,
  now: number,
): Promise<RecordSummary> {
  await ids.reserve(idsForEvents(events));
  return db.transaction().execute(async (tx) => {
    const touched = new Set<number>();
    const finals: FinalMessage[] = [];
    const newParts = await recordSubmissions(tx, caps, events.submissions, settings, now, touched, finals);
    const { orphaned } = await applyReports(tx, caps, ids, events.reports, touched, true);
    const matchedOrphans = await matchOrphans(tx, caps, ids, newParts, touched);
    await insertUplinks(tx, ids, events.uplinks);
    finals.push(...(await completedMessages(tx, [...touched], now)));
    const finished = await finishMessages(tx, caps, ids, finals, now);
    for (const request of events.releases ?? []) await releaseClaims(tx, request);
    const claimed: ClaimedMessage[][] = [];
    for (const request of events.claims ?? []) claimed.push(await claimMessages(tx, caps, request));
    return { finished, orphaned, matchedOrphans, claimed };
  });
}

async function recordSubmissions(
  tx: Transaction<Database>,
  caps: Capabilities,
  submissions: readonly SubmissionRecord[],
  settings: OutcomeSettings,
  now: number,
  touched: Set<number>,
  finals: FinalMessage[],
): Promise<{ gatewayId: string; carrierMsgId: string }[]> {
  if (submissions.length === 0) return [];
  const parts = submissions.flatMap((s) =>
    s.accepted.map((p) => ({
      message_id: s.messageId,
      part_no: p.partNo,
      total: p.total,
      gateway_id: s.gatewayId,
      carrier_msg_id: p.carrierMsgId,
      status: 'SUBMITTED',
      stat: null,
      submitted_at: now,
      done_at: null,
    })),
  );
  for (const chunk of chunked(parts, 1000)) {
    await tx
      .insertInto('message_parts')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['message_id', 'part_no']).doUpdateSet((eb) => ({
          gateway_id: eb.ref('excluded.gateway_id'),
          carrier_msg_id: eb.ref('excluded.carrier_msg_id'),
          status: eb.ref('excluded.status'),
          stat: null,
          submitted_at: eb.ref('excluded.submitted_at'),
          done_at: null,
        })),
      )
      .execute();
  }

  const messageIds = submissions.map((s) => s.messageId);
  const rows = new Map<
    number,
    {
      status: string;
      lease_owner: string | null;
      segments: number;
      charged: number;
      attempts: number;
      not_before: number;
    }
  >();
  for (const chunk of chunked(messageIds, 1000)) {
    const found = await tx
      .selectFrom('messages')
      .select(['id', 'status', 'lease_owner', 'segments', 'charged', 'attempts', 'not_before'])
      .where('id', 'in', chunk)
      .execute();
    for (const r of found) rows.set(r.id, r);
  }
  const counts = await partCounts(tx, messageIds);
  const submitted: (readonly unknown[])[] = [];

  for (const s of submissions) {
    const m = rows.get(s.messageId);
    if (!m || m.status !== 'SENDING' || m.lease_owner !== s.owner) continue;
    const taken = counts.get(s.messageId) ?? 0;
    const failure =
      s.failure ??
      (taken < m.segments
        ? { kind: 'retry' as const, code: 'INCOMPLETE', reason: 'parts missing', unansweredParts: 0 }
        : null);
    if (!failure) {
      submitted.push([s.messageId, s.gatewayId]);
      touched.add(s.messageId);
      continue;
    }
    const refund = Math.max(0, m.charged - taken);
    const final = (status: FinalMessage['status'], stat: string): void => {
      finals.push({ id: s.messageId, status, stat, error: failure.reason, refund, doneAt: now });
    };
    if (failure.kind === 'rejected') final('REJECTED', failure.code);
    else if (m.not_before + settings.validityMs <= now) final('EXPIRED', 'EXPIRED');
    else if (m.attempts >= settings.maxAttempts) final('FAILED', failure.code);
    else {
      await tx
        .updateTable('messages')
        .set((eb) => ({
          status: 'QUEUED',
          not_before: now + retryDelay(m.attempts, settings),
          lease_owner: null,
          lease_until: null,
          error: `${failure.code} ${failure.reason}`.slice(0, 500),
          resubmits: eb('resubmits', '+', failure.unansweredParts),
        }))
        .where('id', '=', s.messageId)
        .where('status', '=', 'SENDING')
        .execute();
    }
  }

  await eachRow(tx, caps, submitted, {
    types: ['bigint', 'text'],
    build: (col, from) => sql`
      UPDATE messages SET status = 'SUBMITTED', gateway_id = ${col(2)}, submitted_at = ${now},
        deadline_at = ${now + settings.reportDeadlineMs}, lease_owner = NULL, lease_until = NULL, error = NULL
      ${from.clause}
      WHERE messages.id = ${col(1)} AND messages.status = 'SENDING'`,
  });
  return parts.map((p) => ({ gatewayId: p.gateway_id, carrierMsgId: p.carrier_msg_id }));
}

/**
 * Marks reported parts final. Intermediate stats (ACCEPTD, ENROUTE) change nothing; a report for
 * a part already final is a duplicate and changes nothing; one for no known part becomes an orphan.
 */
async function applyReports(
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
async function matchOrphans(
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

/** SUBMITTED messages whose every part now has a final report. */
async function completedMessages(
  tx: Transaction<Database>,
  messageIds: readonly number[],
  now: number,
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
      .select(['message_id', 'part_no', 'status', 'stat', 'done_at'])
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
      if (list.length < m.segments || list.some((p) => p.status === 'SUBMITTED')) continue;
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

async function insertUplinks(
  tx: Transaction<Database>,
  ids: IdAllocator,
  uplinks: readonly UplinkRecord[],
): Promise<void> {
  const rows = uplinks.map((u) => ({
    id: ids.take(),
    seq: null,
    gateway_id: u.gatewayId,
    carrier_msg_id: u.carrierMsgId,
    mobile: u.mobile,
    dest_id: u.destId,
    ext: u.ext,
    app_id: u.appId,
    text: u.text,
    concat_ref: u.concat?.reference ?? null,
    concat_total: u.concat?.total ?? null,
    concat_part: u.concat?.partNo ?? null,
    received_at: u.receivedAt,
    status: 'NEW',
  }));
  for (const chunk of chunked(rows, 500)) await tx.insertInto('uplink_messages').values(chunk).execute();
}
