/**
 * Push callbacks' durable state (docs/callbacks.md). Each account and feed (`report`, `reply`) has
 * a cursor: the last feed `seq` its receiver took. A batch is the items after the cursor; a 2xx
 * moves the cursor past it, anything else counts an attempt and sets when to try again. One
 * process at a time works a cursor (a lease, and every write is fenced by its owner), so batches go
 * out in order and a restart resumes after the last 2xx. A lease whose owner is no longer
 * registered is free at once (the sweeper forgets a killed process on start-up).
 */
import { sql, type Kysely } from 'kysely';
import type { CallbackCursorsTable, Database } from './schema.js';

export type CallbackKind = CallbackCursorsTable['kind'];
export const CALLBACK_KINDS: readonly CallbackKind[] = ['report', 'reply'];

const FEED_OF: Record<CallbackKind, 'delivery_reports' | 'uplink_messages'> = {
  report: 'delivery_reports',
  reply: 'uplink_messages',
};
const URL_OF: Record<CallbackKind, 'report_url' | 'reply_url'> = { report: 'report_url', reply: 'reply_url' };

export interface CallbackTarget {
  appId: number;
  appName: string;
  /** The account's own extension code: a reply's `subExtCode` is what follows it. */
  extCode: string;
  kind: CallbackKind;
  url: string;
  secretEnc: string | null;
  cursor: number;
  attempts: number;
  failingSince: number | null;
}

/**
 * Cursors for accounts that have a callback address but no cursor yet (created with the address:
 * they start at the beginning of their feed), then those with items waiting (or failed batches an
 * operator asked to send again, callback-failures.ts) whose retry time has come and whose lease is
 * free.
 */
export async function dueCallbacks(
  db: Kysely<Database>,
  now: number,
  limit: number,
): Promise<CallbackTarget[]> {
  for (const kind of CALLBACK_KINDS) {
    await sql`
      INSERT INTO callback_cursors (app_id, kind)
      SELECT a.id, ${kind} FROM apps a
      WHERE a.${sql.ref(URL_OF[kind])} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM callback_cursors c WHERE c.app_id = a.id AND c.kind = ${kind})
      ON CONFLICT DO NOTHING`.execute(db);
  }
  const out: CallbackTarget[] = [];
  for (const kind of CALLBACK_KINDS) {
    const feed = sql.table(FEED_OF[kind]);
    const rows = await sql<{
      app_id: number;
      name: string;
      ext_code: string;
      url: string;
      secret: string | null;
      cursor: number;
      attempts: number;
      failing_since: number | null;
    }>`
      SELECT c.app_id, a.name, a.ext_code, a.${sql.ref(URL_OF[kind])} AS url, a.callback_secret_enc AS secret,
             c.cursor, c.attempts, c.failing_since
      FROM callback_cursors c JOIN apps a ON a.id = c.app_id
      WHERE c.kind = ${kind} AND a.${sql.ref(URL_OF[kind])} IS NOT NULL AND c.next_at <= ${now}
        AND (c.lease_until IS NULL OR c.lease_until < ${now}
             OR c.lease_owner NOT IN (SELECT id FROM instances))
        AND (EXISTS (SELECT 1 FROM ${feed} f WHERE f.app_id = c.app_id AND f.seq > c.cursor)
             OR EXISTS (SELECT 1 FROM callback_failures r WHERE r.app_id = c.app_id
                          AND r.kind = c.kind AND r.retry_requested_at IS NOT NULL))
      ORDER BY c.next_at LIMIT ${limit}`.execute(db);
    for (const r of rows.rows)
      out.push({
        appId: r.app_id,
        appName: r.name,
        extCode: r.ext_code,
        kind,
        url: r.url,
        secretEnc: r.secret,
        cursor: r.cursor,
        attempts: r.attempts,
        failingSince: r.failing_since,
      });
  }
  return out;
}

/** Takes the cursor's lease if it is free (or expired); false when another process holds it. */
export async function claimCallbackCursor(
  db: Kysely<Database>,
  appId: number,
  kind: CallbackKind,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('callback_cursors')
    .set({ lease_owner: owner, lease_until: now + leaseMs })
    .where('app_id', '=', appId)
    .where('kind', '=', kind)
    // A lease whose owner is no longer registered (a process killed, found dead by the sweeper) is free.
    .where((eb) =>
      eb.or([
        eb('lease_until', 'is', null),
        eb('lease_until', '<', now),
        eb('lease_owner', '=', owner),
        eb('lease_owner', 'not in', eb.selectFrom('instances').select('id')),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The cursor as it is now (after a claim: the cursor this owner continues from). */
export async function readCallbackCursor(
  db: Kysely<Database>,
  appId: number,
  kind: CallbackKind,
): Promise<{ cursor: number; attempts: number; failingSince: number | null } | null> {
  const row = await db
    .selectFrom('callback_cursors')
    .select(['cursor', 'attempts', 'failing_since'])
    .where('app_id', '=', appId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row
    ? {
        cursor: row.cursor,
        attempts: row.attempts,
        failingSince: row.failing_since,
      }
    : null;
}

/** The receiver took the items up to `toSeq`. False: the lease was lost, nothing changed. */
export async function recordCallbackTaken(
  db: Kysely<Database>,
  target: { appId: number; kind: CallbackKind },
  owner: string,
  fromCursor: number,
  toSeq: number,
  items: number,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('callback_cursors')
    .set((eb) => ({
      cursor: toSeq,
      attempts: 0,
      next_at: 0,
      failing_since: null,
      last_error: null,
      last_ok_at: now,
      delivered: eb('delivered', '+', items),
    }))
    .where('app_id', '=', target.appId)
    .where('kind', '=', target.kind)
    .where('lease_owner', '=', owner)
    .where('cursor', '=', fromCursor)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * An attempt failed: retry at `nextAt`, or — `giveUp` — record the batch as failed and move past
 * it (its items stay pullable).
 */
export async function recordCallbackFailed(
  db: Kysely<Database>,
  target: { appId: number; kind: CallbackKind },
  owner: string,
  failure: {
    fromCursor: number;
    error: string;
    now: number;
    nextAt: number;
    giveUp: { id: number; toSeq: number; items: number } | null;
  },
): Promise<void> {
  const error = failure.error.slice(0, 500);
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('callback_cursors')
      .select(['attempts', 'failing_since'])
      .where('app_id', '=', target.appId)
      .where('kind', '=', target.kind)
      .where('lease_owner', '=', owner)
      .where('cursor', '=', failure.fromCursor)
      .executeTakeFirst();
    if (!row) return;
    if (failure.giveUp) {
      await tx
        .insertInto('callback_failures')
        .values({
          id: failure.giveUp.id,
          app_id: target.appId,
          kind: target.kind,
          from_seq: failure.fromCursor + 1,
          to_seq: failure.giveUp.toSeq,
          items: failure.giveUp.items,
          attempts: row.attempts + 1,
          last_error: error,
          failed_at: failure.now,
        })
        .execute();
    }
    await tx
      .updateTable('callback_cursors')
      .set(
        failure.giveUp
          ? {
              cursor: failure.giveUp.toSeq,
              attempts: 0,
              next_at: 0,
              failing_since: null,
              last_error: error,
            }
          : {
              attempts: row.attempts + 1,
              next_at: failure.nextAt,
              failing_since: row.failing_since ?? failure.now,
              last_error: error,
            },
      )
      .where('app_id', '=', target.appId)
      .where('kind', '=', target.kind)
      .execute();
  });
}

export async function releaseCallbackCursor(
  db: Kysely<Database>,
  target: { appId: number; kind: CallbackKind },
  owner: string,
): Promise<void> {
  await db
    .updateTable('callback_cursors')
    .set({ lease_owner: null, lease_until: null })
    .where('app_id', '=', target.appId)
    .where('kind', '=', target.kind)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * The account's callbacks as the console shows them. `pending` counts at most `cap` items (a
 * receiver down for a day may have millions waiting; "more than cap" is all an operator needs).
 */
export interface CallbackStatus {
  kind: CallbackKind;
  url: string | null;
  pending: number;
  attempts: number;
  nextAt: number | null;
  failingSince: number | null;
  lastError: string | null;
  lastOkAt: number | null;
  delivered: number;
  failedBatches: number;
  failedItems: number;
  /** Failed batches an operator asked to send again, not yet tried (callback-failures.ts). */
  retryRequested: number;
}

export async function callbackStatus(
  db: Kysely<Database>,
  appId: number,
  cap = 10_000,
): Promise<CallbackStatus[]> {
  const app = await db
    .selectFrom('apps')
    .select(['report_url', 'reply_url'])
    .where('id', '=', appId)
    .executeTakeFirst();
  if (!app) return [];
  const out: CallbackStatus[] = [];
  for (const kind of CALLBACK_KINDS) {
    const cursor = await db
      .selectFrom('callback_cursors')
      .selectAll()
      .where('app_id', '=', appId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    const url = app[URL_OF[kind]];
    let pending = 0;
    if (url !== null) {
      const counted = await sql<{ n: number | string }>`
        SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${sql.table(FEED_OF[kind])}
          WHERE app_id = ${appId} AND seq > ${cursor ? cursor.cursor : 0} LIMIT ${cap}) AS w`.execute(db);
      pending = Number(counted.rows[0]?.n ?? 0);
    }
    const failed = await db
      .selectFrom('callback_failures')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string | null>('items').as('items'),
        eb.fn.count<number | string>('retry_requested_at').as('requested'),
      ])
      .where('app_id', '=', appId)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    out.push({
      kind,
      url,
      pending,
      attempts: cursor ? cursor.attempts : 0,
      nextAt: cursor && cursor.attempts > 0 ? cursor.next_at : null,
      failingSince: cursor?.failing_since ?? null,
      lastError: cursor?.last_error ?? null,
      lastOkAt: cursor?.last_ok_at ?? null,
      delivered: cursor ? cursor.delivered : 0,
      failedBatches: Number(failed.n),
      failedItems: Number(failed.items ?? 0),
      retryRequested: Number(failed.requested),
    });
  }
  return out;
}

/**
 * Called where an account's callback address is set: an address switched on for an account that
 * had none starts after what is already in its feed (a receiver added later is not flooded with
 * history); an unchanged or changed address keeps its cursor.
 */
export async function startCallbackCursor(
  db: Kysely<Database>,
  appId: number,
  kind: CallbackKind,
): Promise<void> {
  const last = await sql<{ seq: number | string | null }>`
    SELECT MAX(seq) AS seq FROM ${sql.table(FEED_OF[kind])} WHERE app_id = ${appId}`.execute(db);
  const cursor = Number(last.rows[0]?.seq ?? 0);
  await sql`
    INSERT INTO callback_cursors (app_id, kind, cursor) VALUES (${appId}, ${kind}, ${cursor})
    ON CONFLICT (app_id, kind) DO UPDATE SET cursor = ${cursor}, attempts = 0, next_at = 0,
      failing_since = NULL, last_error = NULL`.execute(db);
}

/** Sets the sealed callback secret (a new one replaces the old at once). */
export async function setCallbackSecret(
  db: Kysely<Database>,
  appId: number,
  secretEnc: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('apps')
    .set({ callback_secret_enc: secretEnc, updated_at: now })
    .where('id', '=', appId)
    .execute();
}
