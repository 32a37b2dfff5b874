/**
 * How the ministry platform's answers map onto the gateway contract (docs/federation.md "The
 * ministry link"): Appendix A codes of `/api/sms/send` onto submit outcomes and link states, and
 * the final states of `/api/sms/reports` onto report `stat`s the correlator understands.
 */
import { createHash } from 'node:crypto';

/** What one answer code of the ministry means for the link and for the parts it carried. */
export type CodeMeaning =
  | { kind: 'ok' }
  /** Codes 5, 6, 8: the ministry refuses this province's account — the link is down until it accepts it. */
  | { kind: 'refused' }
  /** Code 3: the province's balance on the ministry is used up — the link pauses until it is topped up. */
  | { kind: 'paused' }
  /** The request itself cannot be sent (format, length, words): the parts are refused for good. */
  | { kind: 'rejected' }
  /** Busy, rate limits and anything unknown: the parts are tried again later. */
  | { kind: 'retry' };

const REFUSED = new Set([5, 6, 8]);
/** -1 missing field, 2 format, 7 islong, 9 too long, 13 blocked word (docs/design.md §4.2). */
const REJECTED = new Set([-1, 2, 7, 9, 13]);

export function meaningOf(code: unknown): CodeMeaning {
  const n = typeof code === 'number' ? code : Number(code);
  if (n === 1) return { kind: 'ok' };
  if (REFUSED.has(n)) return { kind: 'refused' };
  if (n === 3) return { kind: 'paused' };
  if (REJECTED.has(n)) return { kind: 'rejected' };
  return { kind: 'retry' };
}

/** The ministry's final status as a `stat` text that domain/status.ts maps back to the same status. */
export function statOf(status: string, stat: string | null): string {
  switch (status) {
    case 'DELIVERED':
      return 'DELIVRD';
    case 'EXPIRED':
      return 'EXPIRED';
    case 'REJECTED':
      return 'REJECTD';
    case 'UNKNOWN':
      return 'UNKNOWN';
    case 'BLOCKED':
      return 'MINISTRY:BLOCKED';
    default:
      // FAILED: keep what the carrier said when it reads as a failure; else a plain UNDELIV.
      return stat &&
        !['DELIVRD', 'DELIVERED', 'EXPIRED', 'REJECTD', 'REJECTED', 'UNKNOWN', 'ACCEPTD', 'ENROUTE'].includes(
          stat.toUpperCase(),
        )
        ? stat
        : 'UNDELIV';
  }
}

/**
 * The idempotency key of one batch: the same local messages give the same key, so a batch sent
 * again after a lost answer is replayed by the ministry, not sent twice (docs/design.md §4.2
 * `clientMsgId`). A message retried in another batch gets another key and counts as a resubmit.
 */
export function batchKey(prefix: string, messageIds: readonly number[]): string {
  if (messageIds.length === 1) return `${prefix}:${messageIds[0]}`;
  const sorted = [...messageIds].sort((a, b) => a - b);
  const digest = createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 32);
  return `${prefix}:${sorted[0]}+${sorted.length}:${digest}`;
}

/** ISO 8601 with offset, as the interface writes times, to epoch ms; `fallback` when unreadable. */
export function timeOf(value: unknown, fallback: number): number {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : fallback;
}
