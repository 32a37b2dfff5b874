/**
 * A password checked under the lock rules (docs/security.md §2, docs/sftp.md): the attempt is first
 * counted in the database (store/interface-locks.ts) — the count decides whether the check runs at
 * all, so concurrent guesses get at most `failureLimit` checks — and the attempt that reaches the
 * limit wrong locks the account from that address for `lockMs`. A right password clears the count.
 * The interface password and the SFTP password each go through here, counted apart by channel.
 */
import type { Kysely } from 'kysely';
import { clearAttempts, countAttempt, lockSource, type AttemptKey } from '../store/interface-locks.js';
import type { Database } from '../store/schema.js';

export interface LockRules {
  failureLimit: number;
  failureWindowMs: number;
  lockMs: number;
}

/** `lockedUntil` is set when the address is locked (by this attempt or before), else null. */
export type PasswordVerdict = { ok: true } | { ok: false; lockedUntil: number | null };

export async function countedPasswordCheck(
  db: Kysely<Database>,
  key: AttemptKey,
  rules: LockRules,
  now: () => number,
  check: () => Promise<boolean>,
): Promise<PasswordVerdict> {
  const { failureLimit, failureWindowMs, lockMs } = rules;
  const at = now();
  const count = await countAttempt(db, key, at, failureWindowMs);
  if (count.lockedUntil > at) return { ok: false, lockedUntil: count.lockedUntil };
  if (count.attempts > failureLimit)
    return { ok: false, lockedUntil: await lockSource(db, key, at + lockMs) };
  if (await check()) {
    await clearAttempts(db, key);
    return { ok: true };
  }
  if (count.attempts >= failureLimit)
    return { ok: false, lockedUntil: await lockSource(db, key, now() + lockMs) };
  return { ok: false, lockedUntil: null };
}
