/**
 * What retention removes (docs/data-protection.md "Retention"), one small batch per call so no
 * transaction holds the database for long: finished messages (with their parts, delivery reports and
 * verification-code rows, and batches left with no message), answered uplinks, citizens' command
 * records and the interface access log — each strictly older than the cut-off it is given. The audit log is not here:
 * it has its own prune with a 180-day floor (audit/log.ts).
 */
import type { Kysely } from 'kysely';
import { FINAL_STATUSES } from '../domain/status.js';
import { recordTallies, TallyChanges, tallyKey } from './message-tallies.js';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** Messages in a final state created before `before`; returns how many were removed. */
export async function pruneMessages(db: Db, before: number, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'batch_id'])
    .where('created_at', '<', before)
    .where('status', 'in', FINAL_STATUSES)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  const batchIds = [...new Set(rows.map((r) => r.batch_id))];
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('message_parts').where('message_id', 'in', ids).execute();
    await tx.deleteFrom('part_writes').where('message_id', 'in', ids).execute();
    await tx.deleteFrom('delivery_reports').where('message_id', 'in', ids).execute();
    await tx.deleteFrom('otp_codes').where('message_id', 'in', ids).execute();
    const removed = await tx
      .deleteFrom('messages')
      .where('id', 'in', ids)
      .where('status', 'in', FINAL_STATUSES)
      .returning(['id', 'status', 'created_at', 'app_id', 'carrier', 'gateway_id'])
      .execute();
    const tallies = new TallyChanges();
    for (const r of removed) tallies.add(tallyKey(r), -1);
    await recordTallies(tx, tallies);
    await tx
      .deleteFrom('batches')
      .where('id', 'in', batchIds)
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('messages').select('id').whereRef('messages.batch_id', '=', 'batches.id')),
        ),
      )
      .execute();
    return removed.length;
  });
}

/** Uplinks received before `before` that are answered (or belong to a business system). */
export async function pruneUplinks(db: Db, before: number, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('uplink_messages')
    .select('id')
    .where('received_at', '<', before)
    .where('handled_at', 'is not', null)
    .orderBy('received_at')
    .limit(limit)
    .execute();
  return deleteRows(db, 'uplink_messages', rows);
}

/** Records of citizens' commands made before `before`. */
export async function pruneCitizenRequests(db: Db, before: number, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('citizen_requests')
    .select('id')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return deleteRows(db, 'citizen_requests', rows);
}

/** Interface access log entries (docs/console.md "Interface access log") written before `before`. */
export async function pruneAccessLog(db: Db, before: number, limit: number): Promise<number> {
  const rows = await db
    .selectFrom('interface_access_log')
    .select('id')
    .where('at', '<', before)
    .orderBy('at')
    .limit(limit)
    .execute();
  return deleteRows(db, 'interface_access_log', rows);
}

/** Deletes the rows selected by one of the prunes above; answers how many went. */
async function deleteRows(
  db: Db,
  table: 'uplink_messages' | 'citizen_requests' | 'interface_access_log',
  rows: readonly { id: number }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .deleteFrom(table)
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
