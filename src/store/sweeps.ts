/**
 * Periodic upkeep of the outbox: leases of dead dispatchers are handed back, messages past their
 * report deadline end UNKNOWN, queued messages past their validity EXPIRE (with a refund), old
 * orphan reports are dropped. Each step is idempotent, so several processes may sweep at once.
 */
import type { Kysely } from 'kysely';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import { finishMessages, partCounts } from './finish.js';
import type { Database } from './schema.js';

const SWEEP_LIMIT = 1000;

/**
 * Hands SENDING messages back to the queue when their lease ran out or their owner is known dead.
 * Parts of such a message that have no recorded carrier answer may already have been written to the
 * carrier, so sending them again is counted in `resubmits` (the possible duplicates).
 */
export async function reclaimLeases(
  db: Kysely<Database>,
  opts: { now: number; deadOwners: readonly string[] },
): Promise<number> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'segments'])
    .where('status', '=', 'SENDING')
    .where((eb) =>
      opts.deadOwners.length > 0
        ? eb.or([eb('lease_until', '<', opts.now), eb('lease_owner', 'in', opts.deadOwners)])
        : eb('lease_until', '<', opts.now),
    )
    .limit(SWEEP_LIMIT)
    .execute();
  if (rows.length === 0) return 0;
  return db.transaction().execute(async (tx) => {
    const counts = await partCounts(
      tx,
      rows.map((r) => r.id),
    );
    let reclaimed = 0;
    for (const r of rows) {
      const unanswered = Math.max(0, r.segments - (counts.get(r.id) ?? 0));
      const result = await tx
        .updateTable('messages')
        .set((eb) => ({
          status: 'QUEUED',
          lease_owner: null,
          lease_until: null,
          not_before: opts.now,
          resubmits: eb('resubmits', '+', unanswered),
        }))
        .where('id', '=', r.id)
        .where('status', '=', 'SENDING')
        .executeTakeFirst();
      reclaimed += Number(result.numUpdatedRows);
    }
    return reclaimed;
  });
}

/** SUBMITTED messages whose report never came end UNKNOWN (docs/design.md §6). */
export async function expireDeadlines(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  now: number,
): Promise<number> {
  const rows = await db
    .selectFrom('messages')
    .select('id')
    .where('status', '=', 'SUBMITTED')
    .where('deadline_at', '<', now)
    .limit(SWEEP_LIMIT)
    .execute();
  if (rows.length === 0) return 0;
  await ids.reserve(rows.length);
  return db.transaction().execute((tx) =>
    finishMessages(
      tx,
      caps,
      ids,
      rows.map((r) => ({
        id: r.id,
        status: 'UNKNOWN',
        stat: null,
        error: 'no delivery report before the deadline',
        refund: 0,
        doneAt: now,
      })),
      now,
    ),
  );
}

/** Queued messages no gateway took within their validity EXPIRE, and their charge is refunded. */
export async function expireQueued(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  now: number,
  validityMs: number,
): Promise<number> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'charged'])
    .where('status', '=', 'QUEUED')
    .where((eb) =>
      eb.or([
        eb('valid_until', '<', now),
        // Rows admitted before valid_until existed: a retried one counts from its creation.
        eb.and([
          eb('valid_until', 'is', null),
          eb.or([
            eb.and([eb('attempts', '=', 0), eb('not_before', '<', now - validityMs)]),
            eb.and([eb('attempts', '>', 0), eb('created_at', '<', now - validityMs)]),
          ]),
        ]),
      ]),
    )
    .limit(SWEEP_LIMIT)
    .execute();
  if (rows.length === 0) return 0;
  await ids.reserve(rows.length);
  return db.transaction().execute(async (tx) => {
    const counts = await partCounts(
      tx,
      rows.map((r) => r.id),
    );
    return finishMessages(
      tx,
      caps,
      ids,
      rows.map((r) => ({
        id: r.id,
        status: 'EXPIRED',
        stat: 'EXPIRED',
        error: 'not sent within the validity period',
        refund: Math.max(0, r.charged - (counts.get(r.id) ?? 0)),
        doneAt: now,
      })),
      now,
    );
  });
}

export async function purgeOrphans(db: Kysely<Database>, olderThan: number): Promise<number> {
  const result = await db
    .deleteFrom('orphan_reports')
    .where('received_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
