/**
 * What admission takes and answers (README "Sending", docs/design.md §5 Sending windows): a send
 * request made ready for the store, and the answer the admission transaction gives it. The planner
 * (admission-plan.ts) decides; src/store/admission.ts reads, plans and writes in one commit.
 */
import type { Carrier } from './carrier.js';
import type { Category } from './categories.js';
import type { QuietWindow } from './quiet-hours.js';
import type { FrequencyRules, FrequencyVerdict } from './sending-limits.js';
import type { InitialStatus } from './status.js';

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

/** Ids the group can need: one batch (and its review), one message and one report row per recipient. */
export function idsNeeded(group: readonly PreparedAdmission[]): number {
  return group.reduce((n, r) => n + 2 + 2 * r.recipients.length, 0);
}

/** The key a repeated clientMsgId is found by: the account and the caller's id. */
export function replayKey(appId: number, clientMsgId: string): string {
  return `${appId}\u0000${clientMsgId}`;
}
