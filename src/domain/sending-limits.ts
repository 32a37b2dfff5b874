/**
 * Frequency limits per number for notices and surveys (docs/design.md §5 Sending windows): the same content
 * from the same app is not sent to a number twice within a window, and at most N go to a number per
 * Beijing-time day. Both count by when a message goes (its send time after quiet hours), so the same
 * reminder scheduled for 09:00 and 18:00 is two messages, and a notice held overnight counts on the
 * day it arrives. Verification codes have their own caps (§4.3).
 */
import type { Category } from './categories.js';

const OFFSET_MS = 8 * 3600 * 1000;
export const DAY_MS = 24 * 3600 * 1000;

export interface FrequencyRules {
  /** Same app, number and content closer than this in send time: the later one is a duplicate. 0 = off. */
  identicalContentWindowMs: number;
  /** Notices and surveys one number may get per Beijing day, across apps. 0 = unlimited. */
  maxPerNumberPerDay: number;
}

/** A notice or survey that goes (or went) to one number. */
export interface SendingEntry {
  appId: number;
  content: string;
  /** Send time, epoch ms. */
  at: number;
}

/** Why a recipient is not sent: the `stat` its BLOCKED message and report carry. */
export type FrequencyVerdict = 'DUPLICATE' | 'FREQUENCY';

/** Notices and surveys wait for quiet hours to end and count against the limits; replies, results and verification codes do neither. */
export function subjectToSendingLimits(category: Category): boolean {
  return category === 'notice' || category === 'survey';
}

export function frequencyRulesActive(rules: FrequencyRules): boolean {
  return rules.identicalContentWindowMs > 0 || rules.maxPerNumberPerDay > 0;
}

/** Epoch ms of the Beijing midnight that starts the day `at` falls on. */
export function beijingDayStart(at: number): number {
  return Math.floor((at + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

/**
 * Send times whose messages can matter to a candidate going at `at`, inclusive: a superset that a
 * store reads once; `frequencyVerdict` decides exactly.
 */
export function relevantRange(at: number, rules: FrequencyRules): { from: number; to: number } {
  let from = at;
  let to = at;
  if (rules.identicalContentWindowMs > 0) {
    from = at - rules.identicalContentWindowMs;
    to = at + rules.identicalContentWindowMs;
  }
  if (rules.maxPerNumberPerDay > 0) {
    const day = beijingDayStart(at);
    from = Math.min(from, day);
    to = Math.max(to, day + DAY_MS - 1);
  }
  return { from, to };
}

/**
 * The verdict on sending `candidate` to a number that already has `history` (its counted notices
 * and surveys: queued, in flight, delivered or of unknown fate — not blocked, failed or expired).
 * Null: it may go.
 */
export function frequencyVerdict(
  history: readonly SendingEntry[],
  candidate: SendingEntry,
  rules: FrequencyRules,
): FrequencyVerdict | null {
  const window = rules.identicalContentWindowMs;
  if (
    window > 0 &&
    history.some(
      (e) =>
        e.appId === candidate.appId &&
        e.content === candidate.content &&
        Math.abs(e.at - candidate.at) < window,
    )
  )
    return 'DUPLICATE';
  if (rules.maxPerNumberPerDay > 0) {
    const day = beijingDayStart(candidate.at);
    const sameDay = history.filter((e) => beijingDayStart(e.at) === day).length;
    if (sameDay >= rules.maxPerNumberPerDay) return 'FREQUENCY';
  }
  return null;
}
