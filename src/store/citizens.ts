/**
 * What the command engine keeps about citizens (§6.2): bindings of social security numbers to
 * phones, wrong-password counters, TD, and the record of every command. SSNs and names arrive here
 * already encrypted, with the SSN's keyed hash for look-ups (security/personal-data.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The platform's own account (migration 0005): replies and results go out under it. */
export const SERVICE_APP_ID = 0;

export interface BindingRow {
  id: number;
  mobile: string;
  ssnHash: string;
  ssnEnc: string;
  nameEnc: string;
  createdAt: number;
}

export interface PendingCommand {
  uplinkId: number;
  mobile: string;
  ext: string;
  destId: string;
  gatewayId: string;
  text: string;
  secretEnc: string | null;
  receivedAt: number;
}

const toBinding = (r: Database['citizen_bindings']): BindingRow => ({
  id: r.id,
  mobile: r.mobile,
  ssnHash: r.ssn_hash,
  ssnEnc: r.ssn_enc,
  nameEnc: r.name_enc,
  createdAt: r.created_at,
});

/**
 * Takes up to `limit` unanswered uplinks to the platform itself, oldest first, under a lease until
 * `leaseUntil`: another process (PostgreSQL) skips them, so a backend call (a password change, a
 * card-loss report) is not made twice. A lease that ran out — its process died — is taken again.
 */
export async function claimCommands(
  db: Kysely<Database>,
  caps: Capabilities,
  limit: number,
  now: number,
  leaseUntil: number,
): Promise<PendingCommand[]> {
  const lock = caps.skipLocked ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  const rows = await db.transaction().execute(async (tx) => {
    const due = await sql<{ id: number }>`
      SELECT id FROM uplink_messages
      WHERE handled_at IS NULL AND app_id IS NULL AND (claimed_until IS NULL OR claimed_until < ${now})
      ORDER BY id LIMIT ${limit}${lock}`.execute(tx);
    const ids = due.rows.map((r) => r.id);
    if (ids.length === 0) return [];
    await tx
      .updateTable('uplink_messages')
      .set({ claimed_until: leaseUntil })
      .where('id', 'in', ids)
      .execute();
    return tx
      .selectFrom('uplink_messages')
      .select(['id', 'mobile', 'ext', 'dest_id', 'gateway_id', 'text', 'secret_enc', 'received_at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  });
  return rows.map((r) => ({
    uplinkId: r.id,
    mobile: r.mobile,
    ext: r.ext,
    destId: r.dest_id,
    gatewayId: r.gateway_id,
    text: r.text,
    secretEnc: r.secret_enc,
    receivedAt: r.received_at,
  }));
}

/** Marks the uplink answered and forgets its encrypted original. False when another worker did it first. */
export async function markHandled(tx: Db, uplinkId: number, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('uplink_messages')
    .set({ handled_at: now, secret_enc: null })
    .where('id', '=', uplinkId)
    .where('handled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The people bound to a phone, its owner first: the one the citizen last named owner, else the
 * first bound (docs/design.md §5 Commands: a command without its parameter is for the owner).
 */
export async function bindingsOf(db: Db, mobile: string): Promise<BindingRow[]> {
  const rows = await db
    .selectFrom('citizen_bindings')
    .selectAll()
    .where('mobile', '=', mobile)
    .orderBy(sql`CASE WHEN owner_at IS NULL THEN 1 ELSE 0 END`)
    .orderBy('owner_at', 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toBinding);
}

/** The citizen names this bound person the phone's owner. */
export async function makeOwner(tx: Db, bindingId: number, now: number): Promise<void> {
  await tx.updateTable('citizen_bindings').set({ owner_at: now }).where('id', '=', bindingId).execute();
}

export async function bindingOf(db: Db, ssnHash: string): Promise<BindingRow | null> {
  const row = await db
    .selectFrom('citizen_bindings')
    .selectAll()
    .where('ssn_hash', '=', ssnHash)
    .executeTakeFirst();
  return row ? toBinding(row) : null;
}

/**
 * Binds the SSN to this phone. An SSN bound elsewhere moves here (§6.2.1 b/c): the answer names
 * the phone it left so that phone can be told.
 */
export async function bind(
  tx: Db,
  b: { id: number; mobile: string; ssnHash: string; ssnEnc: string; nameEnc: string },
  now: number,
): Promise<{ previousMobile: string | null; already: boolean }> {
  const existing = await bindingOf(tx, b.ssnHash);
  if (existing?.mobile === b.mobile) {
    await tx
      .updateTable('citizen_bindings')
      .set({ name_enc: b.nameEnc, ssn_enc: b.ssnEnc, updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    return { previousMobile: null, already: true };
  }
  if (existing) {
    await tx
      .updateTable('citizen_bindings')
      .set({
        mobile: b.mobile,
        name_enc: b.nameEnc,
        ssn_enc: b.ssnEnc,
        created_at: now,
        updated_at: now,
        owner_at: null,
      })
      .where('id', '=', existing.id)
      .execute();
    return { previousMobile: existing.mobile, already: false };
  }
  await tx
    .insertInto('citizen_bindings')
    .values({
      id: b.id,
      mobile: b.mobile,
      ssn_hash: b.ssnHash,
      ssn_enc: b.ssnEnc,
      name_enc: b.nameEnc,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { previousMobile: null, already: false };
}

export async function unbind(tx: Db, mobile: string, ssnHash: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('citizen_bindings')
    .where('mobile', '=', mobile)
    .where('ssn_hash', '=', ssnHash)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function unbindAll(tx: Db, mobile: string): Promise<number> {
  const result = await tx.deleteFrom('citizen_bindings').where('mobile', '=', mobile).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** TD / QXFW: notices and surveys stop (admission reads mobile_blocks kind TD). */
export async function unsubscribe(tx: Db, mobile: string, reason: 'TD' | 'QXFW', now: number): Promise<void> {
  await tx
    .insertInto('mobile_blocks')
    .values({ mobile, kind: 'TD', reason, created_at: now })
    .onConflict((oc) => oc.columns(['mobile', 'kind']).doUpdateSet({ reason, created_at: now }))
    .execute();
}

/** KT, or a new binding: notices flow again. True when the phone had unsubscribed. */
export async function resubscribe(tx: Db, mobile: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('mobile_blocks')
    .where('mobile', '=', mobile)
    .where('kind', '=', 'TD')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isUnsubscribed(db: Db, mobile: string): Promise<boolean> {
  const row = await db
    .selectFrom('mobile_blocks')
    .select('mobile')
    .where('mobile', '=', mobile)
    .where('kind', '=', 'TD')
    .executeTakeFirst();
  return row !== undefined;
}

export interface FailurePolicy {
  limit: number;
  windowMs: number;
  lockMs: number;
}

/** `pair`: one SSN from one phone, subject `ssnHash|mobile`. */
export type FailureScope = 'ssn' | 'mobile' | 'pair';

/** Until when password commands are locked for this subject, or null. */
export async function lockedUntil(
  db: Db,
  scope: FailureScope,
  subject: string,
  now: number,
): Promise<number | null> {
  const row = await db
    .selectFrom('password_failures')
    .select('locked_until')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .executeTakeFirst();
  const until = row?.locked_until ?? null;
  return until !== null && until > now ? until : null;
}

/**
 * Counts a wrong password. Failures older than the window start a new count; reaching the limit
 * locks the subject. Returns how many tries are left in the window and the lock, if any.
 */
export async function recordFailure(
  tx: Db,
  scope: FailureScope,
  subject: string,
  policy: FailurePolicy,
  now: number,
): Promise<{ left: number; lockedUntil: number | null }> {
  const row = await tx
    .selectFrom('password_failures')
    .selectAll()
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .executeTakeFirst();
  const fresh = !row || now - row.window_start > policy.windowMs || (row.locked_until ?? 0) > 0;
  const failures = fresh ? 1 : row.failures + 1;
  const windowStart = fresh ? now : row.window_start;
  const locked = failures >= policy.limit ? now + policy.lockMs : null;
  await tx
    .insertInto('password_failures')
    .values({ scope, subject, failures, window_start: windowStart, locked_until: locked })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'subject'])
        .doUpdateSet({ failures, window_start: windowStart, locked_until: locked }),
    )
    .execute();
  return { left: Math.max(0, policy.limit - failures), lockedUntil: locked };
}

export async function clearFailures(tx: Db, scope: FailureScope, subject: string): Promise<void> {
  await tx
    .deleteFrom('password_failures')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .execute();
}

/** Commands recorded from this number since `since`, and whether one of them was the rate-limit answer. */
export async function recentCommands(
  db: Db,
  mobile: string,
  since: number,
): Promise<{ total: number; warned: boolean }> {
  const r = await db
    .selectFrom('citizen_requests')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('total'),
      eb.fn
        .sum<number | string | null>(eb.case().when('outcome', '=', 'too-many').then(1).else(0).end())
        .as('warned'),
    ])
    .where('mobile', '=', mobile)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { total: Number(r.total), warned: Number(r.warned ?? 0) > 0 };
}

/** Password locks in force (for staff): scope, subject and until when. */
export async function listPasswordLocks(
  db: Db,
  now: number,
): Promise<{ scope: FailureScope; subject: string; failures: number; lockedUntil: number }[]> {
  const rows = await db
    .selectFrom('password_failures')
    .selectAll()
    .where('locked_until', '>', now)
    .orderBy('locked_until', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    scope: r.scope,
    subject: r.subject,
    failures: r.failures,
    lockedUntil: r.locked_until ?? 0,
  }));
}

/** Lifts one lock (staff, audited by the caller); answers whether there was one. */
export async function liftPasswordLock(db: Db, scope: FailureScope, subject: string): Promise<boolean> {
  const r = await db
    .deleteFrom('password_failures')
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export interface RequestRecord {
  id: number;
  uplinkId: number;
  mobile: string;
  command: string;
  textMasked: string;
  outcome: string;
  replyKey: string | null;
  replyMessageId: number | null;
}

export async function recordRequest(tx: Db, r: RequestRecord, now: number): Promise<void> {
  await tx
    .insertInto('citizen_requests')
    .values({
      id: r.id,
      uplink_id: r.uplinkId,
      mobile: r.mobile,
      command: r.command,
      text_masked: r.textMasked,
      outcome: r.outcome,
      reply_key: r.replyKey,
      reply_message_id: r.replyMessageId,
      created_at: now,
    })
    .execute();
}

export async function requestsOf(
  db: Db,
  mobile: string,
): Promise<{ command: string; textMasked: string; outcome: string; replyKey: string | null }[]> {
  const rows = await db
    .selectFrom('citizen_requests')
    .select(['command', 'text_masked', 'outcome', 'reply_key'])
    .where('mobile', '=', mobile)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    command: r.command,
    textMasked: r.text_masked,
    outcome: r.outcome,
    replyKey: r.reply_key,
  }));
}
