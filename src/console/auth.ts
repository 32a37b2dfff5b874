/**
 * Console login and sessions (standard §8.1 a, b). States of a login:
 *
 *   locked ──(lock ends)──► password ──ok──► second factor (roles in requireTotpFor, once enrolled)
 *      ▲                        │ wrong                 │ wrong or missing
 *      └──(N failures in window)┴───────────────────────┘
 *
 * A session then has a stage: `password` while the password must be changed (first login, reset,
 * expired), `totp` while an administrator has still to enrol a second factor, else `full`. Only
 * `full` sessions reach role-checked APIs. Unknown user, disabled user and wrong password give the
 * same answer, so the login form does not tell which names exist.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { passwordExpired } from '../domain/admin-password.js';
import type { ConsoleRole } from '../domain/console-roles.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import { verifyTotp } from '../security/totp.js';
import {
  deleteSession,
  findSession,
  findUserById,
  findUserByName,
  insertSession,
  recordFailure,
  recordLogin,
  touchSession,
  type ConsoleSession,
  type ConsoleUser,
} from '../store/console-users.js';
import type { Database } from '../store/schema.js';

export interface ConsoleAuthSettings {
  idleMinutes: number;
  lockout: { failures: number; windowMinutes: number; lockMinutes: number };
  passwordMaxAgeDays: number;
  requireTotpFor: readonly ConsoleRole[];
}

export type SessionStage = 'password' | 'totp' | 'full';

export type LoginResult =
  | { ok: true; token: string; session: ConsoleSession; user: ConsoleUser; stage: SessionStage }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'totp-required' }
  | { ok: false; reason: 'locked'; unlockAt: number };

/** Sealed TOTP secrets that are enrolled but not yet confirmed carry this prefix inside the seal. */
export const PENDING_TOTP = 'pending:';

const MINUTE = 60_000;
const UNKNOWN_NAMES_KEPT = 10_000;

interface FailureState {
  failedLogins: number;
  failedWindowStart: number | null;
  lockedUntil: number | null;
}

/**
 * §8.1 b: failures count inside a window that opens at the first one; the `failures`-th within it
 * locks for `lockMinutes` and starts the count afresh.
 */
export function afterFailure(
  state: FailureState,
  now: number,
  lockout: ConsoleAuthSettings['lockout'],
): FailureState {
  const fresh =
    state.failedWindowStart === null || now - state.failedWindowStart >= lockout.windowMinutes * MINUTE;
  const count = fresh ? 1 : state.failedLogins + 1;
  if (count >= lockout.failures)
    return { failedLogins: 0, failedWindowStart: null, lockedUntil: now + lockout.lockMinutes * MINUTE };
  return { failedLogins: count, failedWindowStart: fresh ? now : state.failedWindowStart, lockedUntil: null };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ConsoleAuth {
  /** Verified against when the user is unknown, so both answers take as long. */
  private dummyHash: Promise<string> | null = null;
  private readonly unknownFailures = new Map<string, FailureState>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: PersonalDataCipher,
    private readonly settings: ConsoleAuthSettings,
    private readonly now: () => number = Date.now,
    private readonly verify: (stored: string, password: string) => Promise<boolean> = verifyPassword,
  ) {}

  clock(): number {
    return this.now();
  }

  needsTotp(user: ConsoleUser): boolean {
    return user.roles.some((r) => this.settings.requireTotpFor.includes(r));
  }

  /** The confirmed TOTP secret, or null (none, or enrolment not confirmed). */
  totpSecret(user: ConsoleUser): string | null {
    if (user.totpSecretEnc === null) return null;
    const plain = this.cipher.decrypt(user.totpSecretEnc);
    return plain.startsWith(PENDING_TOTP) ? null : plain;
  }

  pendingTotpSecret(user: ConsoleUser): string | null {
    if (user.totpSecretEnc === null) return null;
    const plain = this.cipher.decrypt(user.totpSecretEnc);
    return plain.startsWith(PENDING_TOTP) ? plain.slice(PENDING_TOTP.length) : null;
  }

  stage(user: ConsoleUser): SessionStage {
    if (
      user.mustChangePassword ||
      passwordExpired(user.passwordChangedAt, this.now(), this.settings.passwordMaxAgeDays)
    )
      return 'password';
    if (this.needsTotp(user) && this.totpSecret(user) === null) return 'totp';
    return 'full';
  }

  async login(
    username: string,
    password: string,
    totp: string | undefined,
    ip: string,
  ): Promise<LoginResult> {
    const now = this.now();
    const user = await findUserByName(this.db, username);
    if (!user) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await this.verify(await this.dummyHash, password);
      return this.failUnknown(username, now);
    }
    // Every answer costs one password check, locked or not, known name or not: the time taken
    // must not tell which names exist (an unknown name is checked against a dummy hash above).
    const passwordOk = await this.verify(user.passwordHash, password);
    if (user.lockedUntil !== null && user.lockedUntil > now)
      return { ok: false, reason: 'locked', unlockAt: user.lockedUntil };
    if (!passwordOk || user.status !== 'active') return this.fail(user, now, 'failed');
    if (this.needsTotp(user)) {
      const secret = this.totpSecret(user);
      if (secret !== null) {
        if (totp === undefined || totp === '') return { ok: false, reason: 'totp-required' };
        if (!verifyTotp(secret, totp, now)) return this.fail(user, now, 'failed');
      }
    }
    await recordLogin(this.db, user.id, now);
    const token = randomBytes(32).toString('base64url');
    const session: ConsoleSession = {
      id: tokenHash(token),
      userId: user.id,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      ip,
      expiresAt: now + this.settings.idleMinutes * MINUTE,
    };
    await insertSession(this.db, session);
    return { ok: true, token, session, user, stage: this.stage(user) };
  }

  private async fail(user: ConsoleUser, now: number, reason: 'failed'): Promise<LoginResult> {
    const next = afterFailure(user, now, this.settings.lockout);
    await recordFailure(this.db, user.id, next, now);
    return next.lockedUntil === null
      ? { ok: false, reason }
      : { ok: false, reason: 'locked', unlockAt: next.lockedUntil };
  }

  /**
   * Unknown names are counted in memory the same way, so the fifth try on a name that does not
   * exist is "locked" too and lockout does not reveal which names exist. Bounded: the oldest entry
   * goes when the map is full.
   */
  private failUnknown(username: string, now: number): LoginResult {
    const state = this.unknownFailures.get(username) ?? {
      failedLogins: 0,
      failedWindowStart: null,
      lockedUntil: null,
    };
    if (state.lockedUntil !== null && state.lockedUntil > now)
      return { ok: false, reason: 'locked', unlockAt: state.lockedUntil };
    const next = afterFailure(state, now, this.settings.lockout);
    this.unknownFailures.delete(username);
    if (this.unknownFailures.size >= UNKNOWN_NAMES_KEPT) {
      const oldest = this.unknownFailures.keys().next();
      if (oldest.done !== true) this.unknownFailures.delete(oldest.value);
    }
    this.unknownFailures.set(username, next);
    return next.lockedUntil === null
      ? { ok: false, reason: 'failed' }
      : { ok: false, reason: 'locked', unlockAt: next.lockedUntil };
  }

  /** The live session and its user for a cookie token; extends the idle deadline. Null: log in again. */
  async resume(token: string): Promise<{ session: ConsoleSession; user: ConsoleUser } | null> {
    const now = this.now();
    const session = await findSession(this.db, tokenHash(token));
    if (!session) return null;
    if (session.expiresAt <= now) {
      await deleteSession(this.db, session.id);
      return null;
    }
    const user = await findUserById(this.db, session.userId);
    if (user?.status !== 'active') {
      await deleteSession(this.db, session.id);
      return null;
    }
    const expiresAt = now + this.settings.idleMinutes * MINUTE;
    await touchSession(this.db, session.id, now, expiresAt);
    return { session: { ...session, lastSeenAt: now, expiresAt }, user };
  }
}
