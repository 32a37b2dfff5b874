/**
 * Ending a message (HELD, QUEUED, SENDING or SUBMITTED): its final status, the app-facing report
 * row, and the refund of whatever was charged but never taken by a carrier. Only a pending message
 * can end, so running this twice for the same message changes nothing the second time.
 */
import { sql, type Transaction } from 'kysely';
import type { FinalStatus } from '../domain/status.js';
import type { IdAllocator } from './ids.js';
import type { Database } from './schema.js';
import type { Capabilities } from './connect.js';
import { recordTallies, TallyChanges, tallyKey, type TallyRow } from './message-tallies.js';
import { chunked, eachRow } from './sql-values.js';

export interface FinalMessage {
  id: number;
  status: FinalStatus;
  stat: string | null;
  error: string | null;
  /** Segments to give back to the app's balance. */
  refund: number;
  doneAt: number;
}

/** Ids `finishMessages` may take: one report row per message. */
export const idsForFinish = (count: number): number => count;

/**
 * Ends messages. With `busy` given, a message another session holds locked (PostgreSQL: a peer
 * ending it too, or a paused peer's open transaction) is not waited for: its id goes to `busy`, for
 * the caller to look at again later. Without it, such a message is waited for.
 */
export async function finishMessages(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  finals: readonly FinalMessage[],
  now: number,
  busy?: number[],
): Promise<number> {
  let finished = 0;
  const tallies = new TallyChanges();
  const skipLocked = busy !== undefined && caps.skipLocked;
  for (const all of chunked(finals, 500)) {
    // What each message is counted under before it ends (message-tallies.ts), locked on PostgreSQL
    // in id order until the update below; on SQLite one prepared statement per row.
    const before = await eachRow(
      tx,
      caps,
      all.map((f) => [f.id]),
      {
        types: ['bigint'],
        build: (col, from) => sql<TallyRow>`
          SELECT messages.id, messages.status, messages.created_at, messages.app_id, messages.carrier,
            messages.gateway_id
          FROM messages ${from.join}
          WHERE messages.id = ${col(1)} AND messages.status IN ('HELD', 'QUEUED', 'SENDING', 'SUBMITTED')
          ${caps.dialect !== 'postgres' ? sql`` : skipLocked ? sql`ORDER BY messages.id FOR UPDATE OF messages SKIP LOCKED` : sql`ORDER BY messages.id FOR UPDATE OF messages`}`,
      },
    );
    const pending = new Map(before.map((r) => [r.id, r]));
    // Not returned: already final, or held by another session. The caller's later look tells them
    // apart (a final message is no longer pending); only held ones may be updated, or we would wait.
    const chunk = skipLocked ? all.filter((f) => pending.has(f.id)) : all;
    if (skipLocked) for (const f of all) if (!pending.has(f.id)) busy.push(f.id);
    const rows = chunk.map((f) => [f.id, f.status, f.stat, f.error, f.refund, f.doneAt]);
    const updated = await eachRow(tx, caps, rows, {
      types: ['bigint', 'text', 'text', 'text', 'integer', 'bigint'],
      build: (col, from) => sql<{ id: number; app_id: number; mobile: string }>`
        UPDATE messages SET status = ${col(2)}, stat = ${col(3)}, error = ${col(4)}, refunded = refunded + ${col(5)},
          done_at = ${col(6)}, lease_owner = NULL, lease_until = NULL
        ${from.clause}
        WHERE messages.id = ${col(1)} AND messages.status IN ('HELD', 'QUEUED', 'SENDING', 'SUBMITTED')
        RETURNING messages.id, messages.app_id, messages.mobile`,
    });
    if (updated.length === 0) continue;
    const byId = new Map(chunk.map((f) => [f.id, f]));
    const refunds: { appId: number; amount: number }[] = [];
    const reports = updated.map((row) => {
      const f = byId.get(row.id);
      if (!f) throw new Error(`finishMessages: unexpected row ${row.id}`);
      refunds.push({ appId: row.app_id, amount: f.refund });
      const was = pending.get(row.id);
      if (was) tallies.move(tallyKey(was), { status: f.status, gatewayId: was.gateway_id });
      return {
        id: ids.take(),
        seq: null,
        app_id: row.app_id,
        message_id: f.id,
        mobile: row.mobile,
        status: f.status,
        stat: f.stat,
        done_at: f.doneAt,
        created_at: now,
      };
    });
    await tx.insertInto('delivery_reports').values(reports).execute();
    await refundApps(tx, refunds);
    finished += updated.length;
  }
  await recordTallies(tx, tallies);
  return finished;
}

/** Gives segments back to the apps' balances, one statement per app. */
export async function refundApps(
  tx: Transaction<Database>,
  refunds: readonly { appId: number; amount: number }[],
): Promise<void> {
  const byApp = new Map<number, number>();
  for (const r of refunds) if (r.amount > 0) byApp.set(r.appId, (byApp.get(r.appId) ?? 0) + r.amount);
  for (const [appId, amount] of byApp) {
    await tx
      .updateTable('apps')
      .set((eb) => ({ balance: eb('balance', '+', amount) }))
      .where('id', '=', appId)
      .execute();
  }
}

/** Parts the carrier took, per message: what is no longer refundable. */
export async function partCounts(
  tx: Transaction<Database>,
  messageIds: readonly number[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const chunk of chunked(messageIds, 1000)) {
    const rows = await tx
      .selectFrom('message_parts')
      .select((eb) => ['message_id', eb.fn.countAll<number>().as('n')])
      .where('message_id', 'in', chunk)
      .groupBy('message_id')
      .execute();
    for (const r of rows) out.set(r.message_id, r.n);
  }
  return out;
}
