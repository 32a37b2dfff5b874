/**
 * The correlator's transaction: what the gateways answered (submit outcomes), what the carriers
 * reported (delivery reports) and what citizens sent (uplinks), written together in arrival order.
 * Arrival order matters: a part's carrier id is stored before its report is matched; a report that
 * still finds no part (it overtook the answer, or another process holds it) waits as an orphan and
 * is matched when the part appears.
 */
import { sql, type Kysely, type Transaction } from 'kysely';

export type { ReportRecord } from './reports.js';
export type { UplinkRecord } from './uplinks.js';
import type { IdAllocator } from './ids.js';
import { finishMessages, partCounts, refundApps, type FinalMessage } from './finish.js';
import { storeUplinks, type UplinkProtector, type UplinkRecord } from './uplinks.js';
import { applyReports, completedMessages, matchOrphans, reportKey, type ReportRecord } from './reports.js';
import type { Database } from './schema.js';
import type { Capabilities } from './connect.js';
import {
  claimMessages,
  releaseClaims,
  type ClaimedMessage,
  type ClaimRequest,
  type ReleaseRequest,
} from './outbox.js';
import { recordTallies, submittedTallies } from './message-tallies.js';
import { recordPartWrites } from './part-writes.js';
import { chunked, eachRow } from './sql-values.js';

export interface SubmissionRecord {
  messageId: number;
  gatewayId: string;
  /**
   * The lease token it was sent under (owner and the claim's epoch): a message whose lease was
   * reclaimed or claimed again since is not touched, nor are its parts.
   */
  owner: string;
  epoch: number;
  /** Segments of this send: the route's cut, which may differ from an earlier attempt's. */
  total: number;
  accepted: { partNo: number; total: number; carrierMsgId: string }[];
  /** Parts written that got no answer: they may have been taken (the duplicate measure). */
  unanswered?: { partNo: number; total: number }[];
  /**
   * Segments this send is charged for, when not `total`: a route that cuts the text itself (the
   * ministry link) takes one part but charges every SMS it becomes.
   */
  billed?: number;
  /** Why the remaining parts were not taken; null when every part is now accepted. */
  failure: null | {
    kind: 'retry' | 'unanswered' | 'rejected';
    code: string;
    reason: string;
    unansweredParts: number;
  };
}

export interface OutcomeSettings {
  reportDeadlineMs: number;
  validityMs: number;
  maxAttempts: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Masks passwords in commands before they are stored (the command engine's cipher). */
  protectUplink?: UplinkProtector;
}

export interface PipelineEvents {
  submissions: readonly SubmissionRecord[];
  reports: readonly ReportRecord[];
  uplinks: readonly UplinkRecord[];
  /** The dispatcher's claims and releases ride along, so they cost no commit of their own. */
  claims?: readonly ClaimRequest[];
  releases?: readonly ReleaseRequest[];
  /** Messages an earlier group left partly reported: looked at again now that it has committed. */
  settle?: readonly number[];
}

export interface RecordSummary {
  finished: number;
  orphaned: number;
  matchedOrphans: number;
  /** One list per claim request, in order. */
  claimed: ClaimedMessage[][];
  /** Reported messages with parts still pending, to settle in a later group (PipelineEvents.settle). */
  unsettled: number[];
  /**
   * Events not written because another session holds their rows locked (a paused peer's open
   * transaction), by index into `submissions` and `reports`: offered again later, never waited for
   * (docs/multinode.md, "Locks and paused peers"). Always empty on SQLite.
   */
  busy: { submissions: Set<number>; reports: Set<number> };
}

export function idsForEvents(events: PipelineEvents): number {
  return (
    events.submissions.length +
    2 * events.reports.length +
    events.uplinks.length +
    (events.settle?.length ?? 0) +
    1
  );
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
  const state = { failedInside: false };
  try {
    return await db.transaction().execute((tx) =>
      writeEvents(tx, caps, ids, { events, settings, now }).catch((err: unknown) => {
        state.failedInside = true;
        throw err;
      }),
    );
  } catch (err) {
    // What is thrown may be the ROLLBACK's own failure (its connection is gone): either way the
    // commit was never asked for.
    throw state.failedInside ? new RolledBack(err) : err;
  }
}

/**
 * A group's transaction failed before its commit was asked for — a deadlock, a lock wait given up,
 * the session ended by the server (docs/multinode.md) — so none of it was written, and writing it
 * again is safe. An error at the commit itself is not one of these: the commit may have happened.
 */
export class RolledBack extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'RolledBack';
  }
}

async function writeEvents(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  { events, settings, now }: { events: PipelineEvents; settings: OutcomeSettings; now: number },
): Promise<RecordSummary> {
  const touched = new Set<number>();
  const finals: FinalMessage[] = [];
  const { newParts, busy: busySubmissions } = await recordSubmissions(
    tx,
    caps,
    events.submissions,
    settings,
    now,
    touched,
    finals,
  );
  const applied = await applyReports(tx, caps, ids, events.reports, touched, true);
  const matchedOrphans = await matchOrphans(tx, caps, ids, newParts, touched);
  await storeUplinks(tx, ids, events.uplinks, settings.protectUplink);
  const unsettled: number[] = [];
  finals.push(...(await completedMessages(tx, [...touched], now, unsettled)));
  // Looked at once more only: a message still partial now waits for its remaining reports.
  const settleNow = (events.settle ?? []).filter((id) => !touched.has(id));
  finals.push(...(await completedMessages(tx, settleNow, now)));
  // A message another session holds is ended by a later group (it stays in `unsettled`).
  const finished = await finishMessages(tx, caps, ids, finals, now, unsettled);
  for (const request of events.releases ?? []) await releaseClaims(tx, caps, request);
  const claimed: ClaimedMessage[][] = [];
  for (const request of events.claims ?? []) claimed.push(await claimMessages(tx, caps, request));
  const busyReports = new Set<number>();
  events.reports.forEach((r, i) => {
    if (applied.busy.has(reportKey(r.gatewayId, r.carrierMsgId))) busyReports.add(i);
  });
  return {
    finished,
    orphaned: applied.orphaned,
    matchedOrphans,
    claimed,
    unsettled,
    busy: { submissions: busySubmissions, reports: busyReports },
  };
}

const part = (s: SubmissionRecord, p: { partNo: number; total: number }) => ({
  messageId: s.messageId,
  partNo: p.partNo,
  total: p.total,
});

/** What recording a submission needs of its message, read under the row's lock. */
interface HeldMessage {
  status: string;
  lease_owner: string | null;
  lease_epoch: number;
  segments: number;
  charged: number;
  attempts: number;
  not_before: number;
  created_at: number;
  valid_until: number | null;
}

async function recordSubmissions(
  tx: Transaction<Database>,
  caps: Capabilities,
  offered: readonly SubmissionRecord[],
  settings: OutcomeSettings,
  now: number,
  touched: Set<number>,
  finals: FinalMessage[],
): Promise<{ newParts: { gatewayId: string; carrierMsgId: string }[]; busy: Set<number> }> {
  const busy = new Set<number>();
  if (offered.length === 0) return { newParts: [], busy };
  // The token is checked first, under row locks taken in id order (PostgreSQL), so nothing below
  // writes for a sender that lost its lease, and no peer changes these rows until the commit. A
  // row another session holds is skipped, not waited for: that submission is written later.
  const rows = new Map<number, HeldMessage>();
  const lock = caps.skipLocked ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  for (const chunk of chunked(
    [...new Set(offered.map((s) => s.messageId))].sort((a, b) => a - b),
    1000,
  )) {
    const found = await sql<HeldMessage & { id: number }>`
      SELECT id, status, lease_owner, lease_epoch, segments, charged, attempts, not_before, created_at,
        valid_until FROM messages
      WHERE id IN (${sql.join(chunk)}) ORDER BY id${lock}`.execute(tx);
    for (const r of found.rows) rows.set(r.id, r);
  }
  // A message being sent is never deleted, so one not returned is locked by another session.
  if (caps.skipLocked)
    offered.forEach((s, i) => {
      if (!rows.has(s.messageId)) busy.add(i);
    });
  const submissions = offered.filter((_, i) => !busy.has(i));
  const holding = submissions.filter((s) => {
    const m = rows.get(s.messageId);
    return m?.status === 'SENDING' && m.lease_owner === s.owner && m.lease_epoch === s.epoch;
  });
  // Every write is recorded, a fenced one too: it went out on the wire all the same.
  const holds = new Set(holding);
  await recordPartWrites(
    tx,
    submissions.flatMap((s) => {
      const fenced = !holds.has(s);
      // A first attempt under a valid lease cannot repeat anything: its acceptances need no row.
      const accepted = fenced || (rows.get(s.messageId)?.attempts ?? 0) > 1 ? s.accepted : [];
      return [
        ...accepted.map((p) => ({ ...part(s, p), uncertain: fenced ? ('LEASE_LOST' as const) : null })),
        ...(s.unanswered ?? []).map((p) => ({
          ...part(s, p),
          uncertain: fenced ? ('LEASE_LOST' as const) : ('UNANSWERED' as const),
        })),
      ];
    }),
    now,
  );
  if (holding.length === 0) return { newParts: [], busy };
  // Parts taken under another cut (the message moved to a route that counts text differently) do
  // not make up this one: they are forgotten, and this send carries all of its own parts.
  await eachRow(
    tx,
    caps,
    holding.map((s) => [s.messageId, s.total]),
    {
      types: ['bigint', 'integer'],
      build: (col, from) =>
        sql`
        DELETE FROM message_parts ${from.using} WHERE message_id = ${col(1)} AND total <> ${col(2)}`,
    },
  );
  const parts = holding.flatMap((s) =>
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

  const messageIds = holding.map((s) => s.messageId);
  const counts = await partCounts(tx, messageIds);
  const submitted: (readonly unknown[])[] = [];

  for (const s of holding) {
    const m = rows.get(s.messageId);
    if (!m) continue;
    const taken = counts.get(s.messageId) ?? 0;
    const failure =
      s.failure ??
      (taken < s.total
        ? { kind: 'retry' as const, code: 'INCOMPLETE', reason: 'parts missing', unansweredParts: 0 }
        : null);
    if (!failure) {
      submitted.push([s.messageId, s.gatewayId, Math.max(0, m.charged - (s.billed ?? s.total))]);
      touched.add(s.messageId);
      continue;
    }
    const refund = Math.max(0, m.charged - taken);
    const final = (status: FinalMessage['status'], stat: string): void => {
      finals.push({ id: s.messageId, status, stat, error: failure.reason, refund, doneAt: now });
    };
    if (failure.kind === 'rejected') final('REJECTED', failure.code);
    // Validity counts from the send time fixed at admission, never from the last retry.
    else if ((m.valid_until ?? m.created_at + settings.validityMs) <= now) final('EXPIRED', 'EXPIRED');
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
        .where('lease_owner', '=', s.owner)
        .where('lease_epoch', '=', s.epoch)
        .execute();
    }
  }

  // Admission charged the most segments any route could take; a cut with fewer is refunded here.
  const updated = await eachRow(tx, caps, submitted, {
    types: ['bigint', 'text', 'integer'],
    build: (col, from) => sql<{
      app_id: number;
      refunded: number;
      created_at: number;
      carrier: string;
      gateway_id: string;
    }>`
      UPDATE messages SET status = 'SUBMITTED', gateway_id = ${col(2)}, submitted_at = ${now},
        deadline_at = ${now + settings.reportDeadlineMs}, lease_owner = NULL, lease_until = NULL, error = NULL,
        refunded = ${col(3)}
      ${from.clause}
      WHERE messages.id = ${col(1)} AND messages.status = 'SENDING'
      RETURNING messages.app_id, messages.refunded, messages.created_at, messages.carrier, messages.gateway_id`,
  });
  await recordTallies(tx, submittedTallies(updated));
  await refundApps(
    tx,
    updated.map((u) => ({ appId: u.app_id, amount: u.refunded })),
  );
  return { newParts: parts.map((p) => ({ gatewayId: p.gateway_id, carrierMsgId: p.carrier_msg_id })), busy };
}
