/**
 * The admission transaction: a group of send requests becomes durable in one commit (group
 * commit). Per request, in order: a repeated clientMsgId returns its first answer; blocked numbers
 * are recorded BLOCKED and not charged; notices and surveys get their send time moved past quiet
 * hours, and those over a frequency limit are recorded BLOCKED (stat DUPLICATE or FREQUENCY) and
 * not charged (docs/design.md §5 Sending windows); the balance is checked and debited; the batch and its messages are written — HELD instead of
 * QUEUED when a review holds them (a console batch over the size threshold, or a sensitive word
 * that asks for review; store/reviews.ts). Code 1 is only answered after this commit.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { CATEGORIES, honoursUnsubscribe, type Category } from '../domain/categories.js';
import type { Carrier } from '../domain/carrier.js';
import type { InitialStatus } from '../domain/status.js';
import { releaseTime, type QuietWindow } from '../domain/quiet-hours.js';
import {
  frequencyRulesActive,
  frequencyVerdict,
  relevantRange,
  subjectToSendingLimits,
  type FrequencyRules,
  type FrequencyVerdict,
  type SendingEntry,
} from '../domain/sending-limits.js';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import { admittedTallies, recordTallies } from './message-tallies.js';
import type { Database, NewMessage, ReviewsTable } from './schema.js';

export interface AdmissionRecipient {
  mobile: string;
  carrier: Carrier;
  /** Segments this number takes on its route; null when no gateway serves it. */
  segments: number | null;
  /** Home province code from the segment data ('' or absent: unknown), which the claim routes by. */
  homeProvince?: string;
}

export interface PreparedAdmission {
  appId: number;
  clientMsgId: string | null;
  signature: string;
  content: string;
  srcExt: string;
  islong: boolean;
  category: Category;
  sendAt: number | null;
  recipients: readonly AdmissionRecipient[];
  /**
   * How long after its send time a message is worth sending (a verification code: its TTL);
   * without it, `SendingRules.validityMs`.
   */
  validityMs?: number;
  /** The platform's own messages (replies, results): no balance is checked or charged. */
  unmetered?: boolean;
  /**
   * A review created before (store/reviews.ts createReview): the messages that would be QUEUED are
   * stored HELD under it, charged as usual, until a reviewer decides.
   */
  reviewId?: number;
  /**
   * Sensitive words of `content` that ask for review (pipeline/admission.ts finds them): without a
   * `reviewId`, this admission creates a `sensitive-words` review and holds the batch under it.
   */
  reviewWords?: readonly string[];
  /** The console user sending; recorded on a review this admission creates. */
  requestedBy?: string;
  /**
   * Sensitive words whose action is `block`: the request is refused — unless its clientMsgId was
   * accepted before, whose stored answer is replayed (a retry never gets a different answer).
   */
  refuseWords?: readonly string[];
}

/** The status a recipient's message is created in: one of the domain's initial statuses. */
export type RecipientStatus = InitialStatus;

/** Why a recipient is not queued, as its message and report `stat` say. */
export type RecipientStat = 'BLOCKED' | 'NOROUTE' | FrequencyVerdict;

export interface AcceptedAnswer {
  code: 1;
  batchId: string;
  charged: number;
  msgIds: { mobile: string; msgId: string; status: RecipientStatus; stat?: RecipientStat }[];
  /** Earliest send time (epoch ms) of the queued messages; absent when none is queued. */
  notBefore?: number;
  /** Set when quiet hours moved the send time. */
  heldByQuietHours?: true;
  /** Set when the messages wait for a reviewer (status HELD). */
  heldForReview?: true;
}

/** The platform's sending windows (docs/design.md §5): quiet hours and frequency limits per number. */
export interface SendingRules {
  quietHours: QuietWindow | null;
  frequency: FrequencyRules;
  /**
   * `sending.validitySeconds` in ms: fixes each message's `valid_until` at admission. Without it
   * (and without the request's own) the row has none and the sweeps count from its creation.
   */
  validityMs?: number;
}

export const NO_SENDING_RULES: SendingRules = {
  quietHours: null,
  frequency: { identicalContentWindowMs: 0, maxPerNumberPerDay: 0 },
};

/** What the admission transaction decides for one request. */
export type StoredAdmission =
  | { kind: 'accepted'; answer: AcceptedAnswer }
  /** The same clientMsgId was accepted before: its stored answer, nothing sent again. */
  | { kind: 'replayed'; answer: AcceptedAnswer }
  | { kind: 'insufficient'; balance: number; needed: number }
  /** The text holds sensitive words whose action is `block`: nothing queued or charged. */
  | { kind: 'refused'; words: readonly string[] };

/** What admission answers a request. */
export type AdmissionResult = StoredAdmission;

const MESSAGE_ROWS_PER_STATEMENT = 1000;

const ERRORS: Record<RecipientStat, string | null> = {
  BLOCKED: null,
  NOROUTE: 'no gateway serves this carrier',
  DUPLICATE: 'the same content went to this number within the identical-content window',
  FREQUENCY: "this number's daily limit of notices and surveys is reached",
};

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ids the group can need: one batch (and its review), one message and one report row per recipient. */
export function idsNeeded(group: readonly PreparedAdmission[]): number {
  return group.reduce((n, r) => n + 2 + 2 * r.recipients.length, 0);
}

/** A review this request needs that it does not have yet: its text hit a word that asks for one. */
function needsOwnReview(req: PreparedAdmission): boolean {
  return req.reviewId === undefined && (req.reviewWords?.length ?? 0) > 0;
}

export async function admitGroup(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules = NO_SENDING_RULES,
): Promise<StoredAdmission[]> {
  await ids.reserve(idsNeeded(group));
  return db.transaction().execute((tx) => admitInTransaction(tx, caps, ids, group, now, rules));
}

/** Admission inside the caller's transaction (its ids reserved with `idsNeeded` first). */
export async function admitInTransaction(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules = NO_SENDING_RULES,
): Promise<StoredAdmission[]> {
  const goesAt = (req: PreparedAdmission): number =>
    releaseTime(req.sendAt ?? now, subjectToSendingLimits(req.category) ? rules.quietHours : null);
  const replays = await findReplays(tx, group);
  const blocked = await findBlocked(tx, caps, group);
  // Per number, the notices and surveys that count against its limits; this group's are added as
  // they are accepted.
  const sending = await findSending(tx, caps, group, goesAt, rules.frequency);
  const balances = await lockBalances(tx, caps, [...new Set(group.map((r) => r.appId))]);

  const results: StoredAdmission[] = [];
  const batches: Parameters<typeof insertBatches>[1] = [];
  const messages: NewMessage[] = [];
  const reports: Database['delivery_reports'][] = [];
  const seenKeys = new Map<string, AcceptedAnswer>();
  const newReviews: Insertable<ReviewsTable>[] = [];
  const heldCounts = new Map<number, number>();

  for (const req of group) {
    const key = req.clientMsgId === null ? null : `${req.appId}\u0000${req.clientMsgId}`;
    const earlier = key === null ? undefined : (replays.get(key) ?? seenKeys.get(key));
    if (earlier) {
      results.push({ kind: 'replayed', answer: earlier });
      continue;
    }
    if (req.refuseWords !== undefined && req.refuseWords.length > 0) {
      results.push({ kind: 'refused', words: req.refuseWords });
      continue;
    }
    const honoursTd = honoursUnsubscribe(req.category);
    const at = goesAt(req);
    const validityMs = req.validityMs ?? rules.validityMs;
    const validUntil = validityMs === undefined ? null : at + validityMs;
    const entry: SendingEntry | null =
      sending !== null && subjectToSendingLimits(req.category)
        ? { appId: req.appId, content: req.content, at }
        : null;
    const added: SendingEntry[][] = [];
    const stats = req.recipients.map((r): RecipientStat | null => {
      const kinds = blocked.get(r.mobile);
      if (kinds?.has('BLACKLIST') || (honoursTd && kinds?.has('TD'))) return 'BLOCKED';
      if (r.segments === null) return 'NOROUTE';
      // Whitelisted numbers (§8.2 lists) are exempt from the frequency limits, not from TD.
      if (sending === null || entry === null || kinds?.has('WHITELIST')) return null;
      let history = sending.get(r.mobile);
      const verdict = history ? frequencyVerdict(history, entry, rules.frequency) : null;
      if (verdict) return verdict;
      if (!history) sending.set(r.mobile, (history = []));
      history.push(entry);
      added.push(history);
      return null;
    });
    const statuses = stats.map((s): RecipientStatus =>
      s === null ? 'QUEUED' : s === 'NOROUTE' ? 'FAILED' : 'BLOCKED',
    );
    const needed = req.unmetered
      ? 0
      : req.recipients.reduce((n, r, i) => n + (statuses[i] === 'QUEUED' ? (r.segments ?? 0) : 0), 0);
    const balance = balances.get(req.appId) ?? 0;
    if (needed > balance) {
      // Nothing of this request is sent: its numbers' counts go back.
      for (const history of added) history.pop();
      results.push({ kind: 'insufficient', balance, needed });
      continue;
    }
    balances.set(req.appId, balance - needed);

    const batchId = ids.take();
    const answer: AcceptedAnswer = { code: 1, batchId: String(batchId), charged: needed, msgIds: [] };
    const queued = statuses.filter((s) => s === 'QUEUED').length;
    let reviewId: number | null = null;
    if (queued > 0) {
      answer.notBefore = at;
      if (at !== (req.sendAt ?? now)) answer.heldByQuietHours = true;
      if (req.reviewId !== undefined) reviewId = req.reviewId;
      else if (needsOwnReview(req)) {
        reviewId = ids.take();
        newReviews.push({
          id: reviewId,
          kind: 'sensitive-words',
          status: 'pending',
          app_id: req.appId,
          requested_by: req.requestedBy ?? null,
          summary: JSON.stringify({ words: req.reviewWords ?? [], category: req.category }),
          created_at: now,
          decided_by: null,
          decided_at: null,
          note: null,
        });
      }
      if (reviewId !== null) {
        answer.heldForReview = true;
        heldCounts.set(reviewId, (heldCounts.get(reviewId) ?? 0) + queued);
      }
    }
    req.recipients.forEach((r, i) => {
      const admitted = statuses[i] ?? 'FAILED';
      const status: RecipientStatus = admitted === 'QUEUED' && reviewId !== null ? 'HELD' : admitted;
      const stat = stats[i] ?? null;
      const id = ids.take();
      answer.msgIds.push({ mobile: r.mobile, msgId: String(id), status, ...(stat !== null && { stat }) });
      const charged = admitted === 'QUEUED' && !req.unmetered ? (r.segments ?? 0) : 0;
      messages.push({
        id,
        batch_id: batchId,
        app_id: req.appId,
        mobile: r.mobile,
        carrier: r.carrier,
        home_province: r.homeProvince ?? '',
        status,
        segments: r.segments ?? 0,
        charged,
        not_before: at,
        valid_until: validUntil,
        created_at: now,
        lease_owner: null,
        lease_until: null,
        gateway_id: null,
        submitted_at: null,
        deadline_at: null,
        done_at: admitted === 'QUEUED' ? null : now,
        stat,
        error: stat === null ? null : ERRORS[stat],
      });
      if (admitted !== 'QUEUED') {
        reports.push({
          id: ids.take(),
          seq: null,
          app_id: req.appId,
          message_id: id,
          mobile: r.mobile,
          status,
          stat,
          done_at: now,
          created_at: now,
        });
      }
    });
    batches.push({ id: batchId, req, answer, reviewId });
    if (key !== null) seenKeys.set(key, answer);
    results.push({ kind: 'accepted', answer });
  }

  if (newReviews.length > 0) await tx.insertInto('reviews').values(newReviews).execute();
  for (const [reviewId, count] of heldCounts)
    await tx
      .updateTable('reviews')
      .set((eb) => ({ message_count: eb('message_count', '+', count) }))
      .where('id', '=', reviewId)
      .execute();
  await insertBatches(tx, batches, now);
  for (const chunk of chunks(messages, MESSAGE_ROWS_PER_STATEMENT))
    await tx.insertInto('messages').values(chunk).execute();
  await recordTallies(tx, admittedTallies(messages));
  for (const chunk of chunks(reports, MESSAGE_ROWS_PER_STATEMENT))
    await tx.insertInto('delivery_reports').values(chunk).execute();
  const debits = new Map<number, number>();
  for (const b of batches) debits.set(b.req.appId, (debits.get(b.req.appId) ?? 0) + b.answer.charged);
  for (const [appId, amount] of debits) {
    if (amount === 0) continue;
    await tx
      .updateTable('apps')
      .set((eb) => ({ balance: eb('balance', '-', amount) }))
      .where('id', '=', appId)
      .execute();
  }
  return results;
}

async function findReplays(
  tx: Transaction<Database>,
  group: readonly PreparedAdmission[],
): Promise<Map<string, AcceptedAnswer>> {
  const keyed = group.filter((r) => r.clientMsgId !== null);
  const out = new Map<string, AcceptedAnswer>();
  if (keyed.length === 0) return out;
  const rows = await tx
    .selectFrom('batches')
    .select(['app_id', 'client_msg_id', 'response'])
    .where((eb) =>
      eb.or(keyed.map((r) => eb.and([eb('app_id', '=', r.appId), eb('client_msg_id', '=', r.clientMsgId)]))),
    )
    .execute();
  for (const row of rows)
    out.set(`${row.app_id}\u0000${row.client_msg_id ?? ''}`, JSON.parse(row.response) as AcceptedAnswer);
  return out;
}

async function findBlocked(
  tx: Transaction<Database>,
  caps: Capabilities,
  group: readonly PreparedAdmission[],
): Promise<Map<string, Set<string>>> {
  const mobiles = [...new Set(group.flatMap((r) => r.recipients.map((x) => x.mobile)))];
  const out = new Map<string, Set<string>>();
  for (const chunk of chunks(mobiles, Math.min(caps.maxParameters, 5000))) {
    const rows = await tx
      .selectFrom('mobile_blocks')
      .select(['mobile', 'kind'])
      .where('mobile', 'in', chunk)
      .execute();
    for (const row of rows) {
      const kinds = out.get(row.mobile) ?? new Set<string>();
      kinds.add(row.kind);
      out.set(row.mobile, kinds);
    }
  }
  return out;
}

/** Statuses of messages that count against a number's limits: sent, or still to be. */
const COUNTED = sql<boolean>`m.status <> 'BLOCKED' AND m.status IN ('HELD', 'QUEUED', 'SENDING', 'SUBMITTED', 'DELIVERED', 'UNKNOWN')`;
const LIMITED_CATEGORIES = CATEGORIES.filter(subjectToSendingLimits);

/**
 * The counted notices and surveys of the group's numbers around the group's send times, in one
 * query (per 5000 numbers); null when no limit is on or no request is subject to them. The literal
 * `status <> 'BLOCKED'` lets both databases use the partial index of migration 0007.
 */
async function findSending(
  tx: Transaction<Database>,
  caps: Capabilities,
  group: readonly PreparedAdmission[],
  goesAt: (req: PreparedAdmission) => number,
  rules: FrequencyRules,
): Promise<Map<string, SendingEntry[]> | null> {
  if (!frequencyRulesActive(rules)) return null;
  const limited = group.filter((r) => subjectToSendingLimits(r.category) && r.recipients.length > 0);
  if (limited.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const req of limited) {
    const range = relevantRange(goesAt(req), rules);
    from = Math.min(from, range.from);
    to = Math.max(to, range.to);
  }
  const mobiles = [...new Set(limited.flatMap((r) => r.recipients.map((x) => x.mobile)))];
  // Without a daily cap only the same content matters: the database leaves out the rest, so a
  // number with many other messages in the window costs no rows here. (No filter on app_id: it
  // would tempt the planner onto messages_app_mobile, which holds the BLOCKED ones too.)
  const onlySame = rules.maxPerNumberPerDay === 0;
  const contents = [...new Set(limited.map((r) => r.content))];
  const room = caps.maxParameters - 16 - (onlySame ? contents.length : 0);
  const out = new Map<string, SendingEntry[]>();
  for (const chunk of chunks(mobiles, Math.max(1, Math.min(room, 5000)))) {
    let query = tx
      .selectFrom('messages as m')
      .innerJoin('batches as b', 'b.id', 'm.batch_id')
      .select(['m.mobile', 'm.app_id', 'm.not_before', 'b.content'])
      .where('m.mobile', 'in', chunk)
      .where('m.not_before', '>=', from)
      .where('m.not_before', '<=', to)
      .where(COUNTED)
      .where('b.category', 'in', LIMITED_CATEGORIES);
    if (onlySame) query = query.where('b.content', 'in', contents);
    const rows = await query.execute();
    for (const row of rows) {
      const list = out.get(row.mobile) ?? [];
      list.push({ appId: row.app_id, content: row.content, at: row.not_before });
      out.set(row.mobile, list);
    }
  }
  return out;
}

async function lockBalances(
  tx: Transaction<Database>,
  caps: Capabilities,
  appIds: number[],
): Promise<Map<number, number>> {
  let query = tx.selectFrom('apps').select(['id', 'balance']).where('id', 'in', appIds);
  // Row locks keep two processes from spending the same balance.
  if (caps.skipLocked) query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.id, r.balance]));
}

async function insertBatches(
  tx: Transaction<Database>,
  batches: { id: number; req: PreparedAdmission; answer: AcceptedAnswer; reviewId: number | null }[],
  now: number,
): Promise<void> {
  if (batches.length === 0) return;
  const rows = batches.map(({ id, req, answer, reviewId }) => ({
    id,
    app_id: req.appId,
    client_msg_id: req.clientMsgId,
    signature: req.signature,
    content: req.content,
    src_ext: req.srcExt,
    islong: req.islong ? 1 : 0,
    category: req.category,
    send_at: req.sendAt,
    total: req.recipients.length,
    created_at: now,
    response: JSON.stringify(answer),
    review_id: reviewId,
  }));
  for (const chunk of chunks(rows, 500)) await tx.insertInto('batches').values(chunk).execute();
}
