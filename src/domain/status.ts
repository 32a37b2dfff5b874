/**
 * Message status model.
 *
 *   (admission) ──► QUEUED ──claim──► SENDING ──all parts accepted──► SUBMITTED ──reports──► final
 *        │            ▲  │              │  │                                  │
 *        │            └──┼──retry───────┘  └──refused / no route──► final     └──deadline──► UNKNOWN
 *        │               └──validity passed──► EXPIRED
 *        ├──► BLOCKED (unsubscribed or blacklisted number: never sent, never charged)
 *        ├──► FAILED (stat NOROUTE: no gateway serves the number's carrier; never charged)
 *        └──► HELD (waiting for a reviewer: batch size or a sensitive word; charged)
 *               ├──approved──► QUEUED
 *               └──rejected──► REJECTED (stat REVIEW) / not decided in time──► EXPIRED (both refunded)
 *
 * Final states are terminal: every message ends in exactly one of them (docs/design.md §6).
 */
export const FINAL_STATUSES = ['DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'BLOCKED', 'UNKNOWN'] as const;
/** HELD is never claimed by the dispatcher; it waits for a review (store/reviews.ts). */
export const PENDING_STATUSES = ['HELD', 'QUEUED', 'SENDING', 'SUBMITTED'] as const;

export type FinalStatus = (typeof FINAL_STATUSES)[number];
export type PendingStatus = (typeof PENDING_STATUSES)[number];
export type MessageStatus = FinalStatus | PendingStatus;

const TRANSITIONS: Record<MessageStatus, readonly MessageStatus[]> = {
  HELD: ['QUEUED', 'REJECTED', 'EXPIRED'],
  QUEUED: ['SENDING', 'EXPIRED', 'FAILED'],
  SENDING: ['QUEUED', 'SUBMITTED', 'FAILED', 'REJECTED', 'EXPIRED'],
  SUBMITTED: ['DELIVERED', 'FAILED', 'EXPIRED', 'REJECTED', 'UNKNOWN'],
  DELIVERED: [],
  FAILED: [],
  EXPIRED: [],
  REJECTED: [],
  BLOCKED: [],
  UNKNOWN: [],
};

/**
 * Statuses a message may be created in (store/admission.ts): queued, held for a review, or already
 * final — BLOCKED, or FAILED when no gateway serves its carrier.
 */
export const INITIAL_STATUSES = [
  'QUEUED',
  'HELD',
  'BLOCKED',
  'FAILED',
] as const satisfies readonly MessageStatus[];
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinal(status: MessageStatus): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export function isMessageStatus(value: string): value is MessageStatus {
  return value in TRANSITIONS;
}

/** What a carrier's report `stat` means for one part; `null` = intermediate, wait for more. */
export type PartOutcome = Exclude<FinalStatus, 'BLOCKED'>;

const STAT_OUTCOMES: Readonly<Record<string, PartOutcome | null>> = {
  DELIVRD: 'DELIVERED',
  DELIVERED: 'DELIVERED',
  EXPIRED: 'EXPIRED',
  DELETED: 'FAILED',
  UNDELIV: 'FAILED',
  REJECTD: 'REJECTED',
  REJECTED: 'REJECTED',
  UNKNOWN: 'UNKNOWN',
  ACCEPTD: null,
  ENROUTE: null,
};

/**
 * Maps a report's `stat` text (CMPP §8.4.5.1, SMPP App. B, SMGP) onto a part outcome. Gateway-made
 * stats such as `MA:0001` or vendor ones such as `MK:0012` are failures; the raw text is kept
 * elsewhere.
 */
export function outcomeOfStat(stat: string): PartOutcome | null {
  const key = stat.trim().toUpperCase();
  const known = STAT_OUTCOMES[key];
  if (known !== undefined) return known;
  return 'FAILED';
}

const SEVERITY: readonly PartOutcome[] = ['REJECTED', 'FAILED', 'EXPIRED', 'UNKNOWN', 'DELIVERED'];

/** A message's final status from its parts' outcomes: delivered only if every part was. */
export function combineOutcomes(outcomes: readonly PartOutcome[]): PartOutcome {
  let worst: PartOutcome = 'DELIVERED';
  for (const outcome of outcomes) {
    if (SEVERITY.indexOf(outcome) < SEVERITY.indexOf(worst)) worst = outcome;
  }
  return outcomes.length === 0 ? 'UNKNOWN' : worst;
}
