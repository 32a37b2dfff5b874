/**
 * The admission planner: from a group of requests and what the store read for them (earlier
 * answers, blocked numbers, each number's counted notices and surveys, balances), it decides every
 * request's answer and the rows to write, without I/O. Per request, in order: a repeated clientMsgId
 * returns its first answer; words that block refuse it; blocked numbers are BLOCKED and not charged,
 * numbers no gateway serves FAILED (NOROUTE); notices and surveys go after quiet hours, and those over
 * a frequency limit are BLOCKED (stat DUPLICATE or FREQUENCY) and not charged (docs/design.md §5
 * Sending windows); the balance must cover the rest; the messages to queue are HELD instead when a
 * review holds them (store/reviews.ts).
 */
import type {
  AcceptedAnswer,
  PreparedAdmission,
  RecipientStat,
  RecipientStatus,
  SendingRules,
  StoredAdmission,
} from './admission.js';
import { replayKey } from './admission.js';
import type { Carrier } from './carrier.js';
import type { Category } from './categories.js';
import { honoursUnsubscribe } from './categories.js';
import { releaseTime } from './quiet-hours.js';
import { frequencyVerdict, subjectToSendingLimits, type SendingEntry } from './sending-limits.js';

/** What the store read for a group before planning it. The planner leaves these unchanged. */
export interface AdmissionReads {
  /** Answers of earlier batches by `replayKey`. */
  replays: ReadonlyMap<string, AcceptedAnswer>;
  /** Each listed number's kinds (TD, BLACKLIST, WHITELIST). */
  blocked: ReadonlyMap<string, ReadonlySet<string>>;
  /** Each number's counted notices and surveys near the send times; null: no limit applies. */
  sending: ReadonlyMap<string, readonly SendingEntry[]> | null;
  /** Each account's balance, locked for the transaction. */
  balances: ReadonlyMap<number, number>;
}

/** A `messages` row to insert (the columns the store's table has, its defaults left out). */
export interface PlannedMessage {
  id: number;
  batch_id: number;
  app_id: number;
  mobile: string;
  carrier: Carrier;
  home_province: string;
  status: RecipientStatus;
  segments: number;
  charged: number;
  not_before: number;
  valid_until: number | null;
  created_at: number;
  lease_owner: null;
  lease_until: null;
  gateway_id: null;
  submitted_at: null;
  deadline_at: null;
  done_at: number | null;
  stat: RecipientStat | null;
  error: string | null;
}

/** A `delivery_reports` row for a message that ends at admission. */
export interface PlannedReport {
  id: number;
  seq: null;
  app_id: number;
  message_id: number;
  mobile: string;
  status: RecipientStatus;
  stat: RecipientStat | null;
  done_at: number;
  created_at: number;
}

/** A `reviews` row a request's review words create. */
export interface PlannedReview {
  id: number;
  kind: 'sensitive-words';
  status: 'pending';
  app_id: number;
  requested_by: string | null;
  summary: string;
  created_at: number;
  decided_by: null;
  decided_at: null;
  note: null;
}

export interface PlannedBatch {
  id: number;
  req: PreparedAdmission;
  answer: AcceptedAnswer;
  reviewId: number | null;
}

export interface AdmissionPlan {
  /** One per request, in order. */
  results: StoredAdmission[];
  batches: PlannedBatch[];
  messages: PlannedMessage[];
  reports: PlannedReport[];
  newReviews: PlannedReview[];
  /** Messages each review (new or earlier) now holds in addition. */
  heldCounts: Map<number, number>;
  /** Segments to take from each account's balance (only non-zero amounts). */
  debits: Map<number, number>;
}

const ERRORS: Record<RecipientStat, string | null> = {
  BLOCKED: null,
  NOROUTE: 'no gateway serves this carrier',
  DUPLICATE: 'the same content went to this number within the identical-content window',
  FREQUENCY: "this number's daily limit of notices and surveys is reached",
};

/** When a request's messages go: its send time (or now), moved past quiet hours for notices and surveys. */
export function sendTime(
  req: { sendAt: number | null; category: Category },
  now: number,
  rules: SendingRules,
): number {
  return releaseTime(req.sendAt ?? now, subjectToSendingLimits(req.category) ? rules.quietHours : null);
}

/** A review this request needs that it does not have yet: its text hit a word that asks for one. */
function needsOwnReview(req: PreparedAdmission): boolean {
  return req.reviewId === undefined && (req.reviewWords?.length ?? 0) > 0;
}

/**
 * Plans a group's admission. `nextId` hands out the ids reserved for the group (`idsNeeded`); it is
 * called in a fixed order, so the same inputs give the same plan.
 */
export function planAdmission(
  group: readonly PreparedAdmission[],
  reads: AdmissionReads,
  now: number,
  rules: SendingRules,
  nextId: () => number,
): AdmissionPlan {
  const plan: AdmissionPlan = {
    results: [],
    batches: [],
    messages: [],
    reports: [],
    newReviews: [],
    heldCounts: new Map(),
    debits: new Map(),
  };
  const balances = new Map(reads.balances);
  const seenKeys = new Map<string, AcceptedAnswer>();
  // Per number, the counted notices and surveys, with this group's added as they are accepted: a
  // copy made on first use, so the reads stay as given.
  const histories = new Map<string, SendingEntry[]>();
  const historyOf = (
    sending: ReadonlyMap<string, readonly SendingEntry[]>,
    mobile: string,
  ): SendingEntry[] => {
    let history = histories.get(mobile);
    if (!history) histories.set(mobile, (history = [...(sending.get(mobile) ?? [])]));
    return history;
  };

  for (const req of group) {
    const key = req.clientMsgId === null ? null : replayKey(req.appId, req.clientMsgId);
    const earlier = key === null ? undefined : (reads.replays.get(key) ?? seenKeys.get(key));
    if (earlier) {
      plan.results.push({ kind: 'replayed', answer: earlier });
      continue;
    }
    if (req.refuseWords !== undefined && req.refuseWords.length > 0) {
      plan.results.push({ kind: 'refused', words: req.refuseWords });
      continue;
    }
    const honoursTd = honoursUnsubscribe(req.category);
    const at = sendTime(req, now, rules);
    const validityMs = req.validityMs ?? rules.validityMs;
    const validUntil = validityMs === undefined ? null : at + validityMs;
    const sending = subjectToSendingLimits(req.category) ? reads.sending : null;
    const entry: SendingEntry = { appId: req.appId, content: req.content, at };
    const added: SendingEntry[][] = [];
    const stats = req.recipients.map((r): RecipientStat | null => {
      const kinds = reads.blocked.get(r.mobile);
      if (kinds?.has('BLACKLIST') || (honoursTd && kinds?.has('TD'))) return 'BLOCKED';
      if (r.segments === null) return 'NOROUTE';
      // Whitelisted numbers (§8.2 lists) are exempt from the frequency limits, not from TD.
      if (sending === null || kinds?.has('WHITELIST')) return null;
      const history = historyOf(sending, r.mobile);
      const verdict = frequencyVerdict(history, entry, rules.frequency);
      if (verdict) return verdict;
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
      plan.results.push({ kind: 'insufficient', balance, needed });
      continue;
    }
    balances.set(req.appId, balance - needed);
    if (needed > 0) plan.debits.set(req.appId, (plan.debits.get(req.appId) ?? 0) + needed);

    const batchId = nextId();
    const answer: AcceptedAnswer = { code: 1, batchId: String(batchId), charged: needed, msgIds: [] };
    const reviewId = planReview(plan, req, statuses, at, now, answer, nextId);
    req.recipients.forEach((r, i) => {
      const admitted = statuses[i] ?? 'FAILED';
      const status: RecipientStatus = admitted === 'QUEUED' && reviewId !== null ? 'HELD' : admitted;
      const stat = stats[i] ?? null;
      const id = nextId();
      answer.msgIds.push({ mobile: r.mobile, msgId: String(id), status, ...(stat !== null && { stat }) });
      plan.messages.push({
        id,
        batch_id: batchId,
        app_id: req.appId,
        mobile: r.mobile,
        carrier: r.carrier,
        home_province: r.homeProvince ?? '',
        status,
        segments: r.segments ?? 0,
        charged: admitted === 'QUEUED' && !req.unmetered ? (r.segments ?? 0) : 0,
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
      if (admitted !== 'QUEUED')
        plan.reports.push({
          id: nextId(),
          seq: null,
          app_id: req.appId,
          message_id: id,
          mobile: r.mobile,
          status,
          stat,
          done_at: now,
          created_at: now,
        });
    });
    plan.batches.push({ id: batchId, req, answer, reviewId });
    if (key !== null) seenKeys.set(key, answer);
    plan.results.push({ kind: 'accepted', answer });
  }
  return plan;
}

/**
 * The send time and review of an accepted request with messages to queue: the review it came with,
 * or a new one for its review words (added to the plan). Null: its messages are queued, not held.
 */
function planReview(
  plan: AdmissionPlan,
  req: PreparedAdmission,
  statuses: readonly RecipientStatus[],
  at: number,
  now: number,
  answer: AcceptedAnswer,
  nextId: () => number,
): number | null {
  const queued = statuses.filter((s) => s === 'QUEUED').length;
  if (queued === 0) return null;
  answer.notBefore = at;
  if (at !== (req.sendAt ?? now)) answer.heldByQuietHours = true;
  let reviewId: number | null = null;
  if (req.reviewId !== undefined) reviewId = req.reviewId;
  else if (needsOwnReview(req)) {
    reviewId = nextId();
    plan.newReviews.push({
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
    plan.heldCounts.set(reviewId, (plan.heldCounts.get(reviewId) ?? 0) + queued);
  }
  return reviewId;
}
