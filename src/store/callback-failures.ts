/**
 * Callback batches given up after `callbacks.retryHours`, sent again when an operator asks
 * (docs/callbacks.md "Console"): the request marks the account's failed batches and makes a batch
 * waiting for its next attempt due at once; the deliverer, holding the cursor's lease, sends the
 * marked batches (oldest first, with their first delivery id) before going on after the cursor.
 * A batch taken is removed from the failures; one refused again stays failed with the new error.
 */
import type { Kysely } from 'kysely';
import type { CallbackKind } from './callbacks.js';
import type { Database } from './schema.js';

export interface RetryRequested {
  /** Batches waiting for their next attempt, now due. */
  hurried: number;
  /** Failed batches marked to be sent again. */
  requeued: number;
}

export async function requestCallbackRetry(
  db: Kysely<Database>,
  appId: number,
  kinds: readonly CallbackKind[],
  now: number,
): Promise<RetryRequested> {
  return db.transaction().execute(async (tx) => {
    const hurried = await tx
      .updateTable('callback_cursors')
      .set({ next_at: 0 })
      .where('app_id', '=', appId)
      .where('kind', 'in', kinds)
      .where('attempts', '>', 0)
      .executeTakeFirst();
    const requeued = await tx
      .updateTable('callback_failures')
      .set({ retry_requested_at: now })
      .where('app_id', '=', appId)
      .where('kind', 'in', kinds)
      .executeTakeFirst();
    // A cursor in its back-off would hold the marked batches back until its next attempt.
    if (Number(requeued.numUpdatedRows) > 0)
      await tx
        .updateTable('callback_cursors')
        .set({ next_at: 0 })
        .where('app_id', '=', appId)
        .where('kind', 'in', kinds)
        .execute();
    return { hurried: Number(hurried.numUpdatedRows), requeued: Number(requeued.numUpdatedRows) };
  });
}

export interface RequeuedBatch {
  id: number;
  fromSeq: number;
  toSeq: number;
  items: number;
}

/** The account's failed batches an operator asked to send again, oldest first. */
export async function requeuedFailures(
  db: Kysely<Database>,
  appId: number,
  kind: CallbackKind,
  limit: number,
): Promise<RequeuedBatch[]> {
  const rows = await db
    .selectFrom('callback_failures')
    .select(['id', 'from_seq', 'to_seq', 'items'])
    .where('app_id', '=', appId)
    .where('kind', '=', kind)
    .where('retry_requested_at', 'is not', null)
    .orderBy('from_seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, fromSeq: r.from_seq, toSeq: r.to_seq, items: r.items }));
}

/**
 * The outcome of sending a failed batch again, written only while `owner` holds the cursor's lease:
 * taken (error null) removes it and counts its items delivered; refused keeps it failed.
 */
export async function recordResendOutcome(
  db: Kysely<Database>,
  target: { appId: number; kind: CallbackKind },
  owner: string,
  batch: RequeuedBatch,
  error: string | null,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const cursor = await tx
      .updateTable('callback_cursors')
      .set((eb) =>
        error === null
          ? { last_ok_at: now, delivered: eb('delivered', '+', batch.items) }
          : { last_error: error.slice(0, 500) },
      )
      .where('app_id', '=', target.appId)
      .where('kind', '=', target.kind)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (Number(cursor.numUpdatedRows) !== 1) return false;
    if (error === null) await tx.deleteFrom('callback_failures').where('id', '=', batch.id).execute();
    else
      await tx
        .updateTable('callback_failures')
        .set((eb) => ({
          retry_requested_at: null,
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 500),
          failed_at: now,
        }))
        .where('id', '=', batch.id)
        .execute();
    return true;
  });
}
