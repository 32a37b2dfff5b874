/**
 * Verification codes (docs/design.md §4.3) in the database. A code's life:
 *
 *   issue ──► ACTIVE ──verify, right──────────────► VERIFIED
 *               │  └──verify, wrong (attempts = max)──► DEAD
 *               ├──a newer code for the same (app, number, scene)──► SUPERSEDED
 *               └──expires_at passes: stays ACTIVE, answered `expired`
 *
 * Issuing takes the number's daily-cap row first (an upsert: on PostgreSQL it holds that row's lock
 * until commit, so concurrent sends to one number are serialised across apps and processes), then
 * checks the cool-down and the cap, supersedes the older codes, admits the message in the same
 * transaction and records the code with its batch — a refusal rolls all of it back. The caller
 * does the cryptography: this file only stores and compares what it is handed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import { admitInTransaction, type PreparedAdmission, type RecipientStatus } from './admission.js';
import type { Database } from './schema.js';
import { chunked } from './sql-values.js';

export interface IssueRequest {
  /** Taken from the allocator by the caller: the code's hash is bound to it. */
  otpId: number;
  appId: number;
  mobile: string;
  scene: string;
  codeHash: string;
  /** The text with the code, sealed; the admission's content has the code masked. */
  textEnc: string;
  /** Beijing-time day, yyyy-MM-dd. */
  day: string;
  dailyCap: number;
  cooldownMs: number;
  ttlMs: number;
  admission: PreparedAdmission;
}

export type IssueResult =
  | {
      kind: 'issued';
      otpId: number;
      batchId: number;
      msgId: number;
      status: RecipientStatus;
      charged: number;
      expiresAt: number;
    }
  | { kind: 'cooldown'; retryAfterMs: number }
  | { kind: 'daily-cap'; sent: number }
  | { kind: 'insufficient'; balance: number; needed: number };

/** Thrown inside the transaction to roll it back, caught outside as the answer. */
class Refusal extends Error {
  constructor(readonly result: Exclude<IssueResult, { kind: 'issued' }>) {
    super(result.kind);
  }
}

/** Ids `issueOtp` takes from the allocator (one batch, one message, one report at most). */
export const OTP_ADMISSION_IDS = 3;

export async function issueOtp(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  req: IssueRequest,
  now: number,
): Promise<IssueResult> {
  await ids.reserve(OTP_ADMISSION_IDS);
  try {
    return await db.transaction().execute((tx) => issueInTransaction(tx, caps, ids, req, now));
  } catch (err) {
    if (err instanceof Refusal) return err.result;
    throw err;
  }
}

async function issueInTransaction(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  req: IssueRequest,
  now: number,
): Promise<IssueResult> {
  const counter = await tx
    .insertInto('otp_limits')
    .values({ mobile: req.mobile, day: req.day, sent: 1 })
    .onConflict((oc) =>
      oc.column('mobile').doUpdateSet((eb) => ({
        day: eb.ref('excluded.day'),
        sent: eb
          .case()
          .when('otp_limits.day', '=', eb.ref('excluded.day'))
          .then(eb('otp_limits.sent', '+', 1))
          .else(1)
          .end(),
      })),
    )
    .returning('sent')
    .executeTakeFirstOrThrow();

  const last = await tx
    .selectFrom('otp_codes')
    .select('created_at')
    .where('app_id', '=', req.appId)
    .where('mobile', '=', req.mobile)
    .where('scene', '=', req.scene)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (last && last.created_at + req.cooldownMs > now)
    throw new Refusal({ kind: 'cooldown', retryAfterMs: last.created_at + req.cooldownMs - now });
  if (counter.sent > req.dailyCap) throw new Refusal({ kind: 'daily-cap', sent: counter.sent - 1 });

  await tx
    .updateTable('otp_codes')
    .set({ status: 'SUPERSEDED', text_enc: null, ended_at: now })
    .where('app_id', '=', req.appId)
    .where('mobile', '=', req.mobile)
    .where('scene', '=', req.scene)
    .where('status', '=', 'ACTIVE')
    .execute();

  const [admitted] = await admitInTransaction(tx, caps, ids, [req.admission], now);
  if (!admitted) throw new Error('admission gave no result');
  if (admitted.kind === 'insufficient')
    throw new Refusal({ kind: 'insufficient', balance: admitted.balance, needed: admitted.needed });
  // Verification codes are never screened for words (they carry no refuseWords).
  if (admitted.kind === 'refused') throw new Error('a verification code was refused for its words');
  const message = admitted.answer.msgIds[0];
  if (!message) throw new Error('admission gave no message');
  const batchId = Number(admitted.answer.batchId);
  const msgId = Number(message.msgId);
  const expiresAt = now + req.ttlMs;
  await tx
    .insertInto('otp_codes')
    .values({
      id: req.otpId,
      app_id: req.appId,
      mobile: req.mobile,
      scene: req.scene,
      code_hash: req.codeHash,
      // Nothing will be sent: no reason to keep the code's text at all.
      text_enc: message.status === 'QUEUED' ? req.textEnc : null,
      batch_id: batchId,
      message_id: msgId,
      status: 'ACTIVE',
      created_at: now,
      expires_at: expiresAt,
      ended_at: null,
    })
    .execute();
  return {
    kind: 'issued',
    otpId: req.otpId,
    batchId,
    msgId,
    status: message.status,
    charged: admitted.answer.charged,
    expiresAt,
  };
}

export type VerifyReason = 'none' | 'expired' | 'attempts' | 'mismatch';

export type VerifyResult =
  | { valid: true; otpId: number }
  | { valid: false; reason: VerifyReason; otpId: number | null; attemptsLeft?: number };

export interface VerifyRequest {
  appId: number;
  mobile: string;
  scene: string;
  maxAttempts: number;
  /** Whether the candidate is this row's code (the caller compares in constant time). */
  matches(row: { id: number; codeHash: string }): boolean;
}

/**
 * Checks a candidate against the newest code of (app, number, scene). Every check of a live code
 * counts as an attempt, the right one included; the count is raised by one conditional UPDATE, so
 * concurrent checks cannot exceed the limit, and a right code is consumed by the same kind of
 * UPDATE, so it verifies once.
 */
export async function verifyOtp(
  db: Kysely<Database>,
  req: VerifyRequest,
  now: number,
): Promise<VerifyResult> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('otp_codes')
      .select(['id', 'code_hash', 'status', 'expires_at'])
      .where('app_id', '=', req.appId)
      .where('mobile', '=', req.mobile)
      .where('scene', '=', req.scene)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return { valid: false, reason: 'none', otpId: null };
    const ended = (status: string): VerifyResult => ({
      valid: false,
      reason: status === 'DEAD' ? 'attempts' : 'none',
      otpId: row.id,
    });
    if (row.status !== 'ACTIVE') return ended(row.status);
    if (row.expires_at <= now) {
      await tx.updateTable('otp_codes').set({ text_enc: null }).where('id', '=', row.id).execute();
      return { valid: false, reason: 'expired', otpId: row.id };
    }

    const counted = await tx
      .updateTable('otp_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .where('status', '=', 'ACTIVE')
      .where('attempts', '<', req.maxAttempts)
      .returning('attempts')
      .executeTakeFirst();
    if (!counted) {
      // Used up by earlier checks (or ended by a concurrent one): it is dead now.
      const current = await tx
        .updateTable('otp_codes')
        .set({ status: 'DEAD', text_enc: null, ended_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst();
      if (Number(current.numUpdatedRows) > 0) return { valid: false, reason: 'attempts', otpId: row.id };
      const again = await tx
        .selectFrom('otp_codes')
        .select('status')
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      return ended(again.status);
    }

    if (req.matches({ id: row.id, codeHash: row.code_hash })) {
      await tx
        .updateTable('otp_codes')
        .set({ status: 'VERIFIED', text_enc: null, ended_at: now })
        .where('id', '=', row.id)
        .execute();
      return { valid: true, otpId: row.id };
    }
    const attemptsLeft = Math.max(0, req.maxAttempts - counted.attempts);
    if (attemptsLeft === 0)
      await tx
        .updateTable('otp_codes')
        .set({ status: 'DEAD', text_enc: null, ended_at: now })
        .where('id', '=', row.id)
        .execute();
    return { valid: false, reason: 'mismatch', otpId: row.id, attemptsLeft };
  });
}

/**
 * Sealed texts of the batches that may still go out: only live codes (a code verified, dead,
 * superseded or expired is never delivered late).
 */
export async function sealedOtpTexts(
  db: Kysely<Database>,
  batchIds: readonly number[],
  now: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const chunk of chunked(batchIds, 1000)) {
    const rows = await db
      .selectFrom('otp_codes')
      .select(['batch_id', 'text_enc'])
      .where('batch_id', 'in', chunk)
      .where('status', '=', 'ACTIVE')
      .where('expires_at', '>', now)
      .where('text_enc', 'is not', null)
      .execute();
    for (const r of rows) if (r.text_enc !== null) out.set(r.batch_id, r.text_enc);
  }
  return out;
}

/** Drops the sealed texts of codes that expired unused; returns how many. */
export async function forgetExpiredOtpTexts(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable('otp_codes')
    .set({ text_enc: null })
    .where('text_enc', 'is not', null)
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
