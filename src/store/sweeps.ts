/**
 * Periodic upkeep of the outbox: leases of dead dispatchers are handed back, messages past their
 * report deadline end UNKNOWN, queued messages past their validity EXPIRE (with a refund), old
 * orphan reports are dropped. Each step is idempotent, so several processes may sweep at once.
 */
import { sql, type Kysely } from 'kysely';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import { finishMessages, partCounts } from './finish.js';
import type { Database } from './schema.js';

export const SWEEP_LIMIT = 1000;

export interface ReclaimRequest {
  now: number;
  /** Owners known to be gone (their process no longer exists): their leases return at once. */
  deadOwners: readonly string[];
  /**
   * The sweeping process. Its own leases are not taken by its sweeper while they may still be in
   * its hands: the dispatcher releases what it holds itself, and only a lease of its own that ran
   * out more than `ownGraceMs` ago (an outcome that could not be stored) is handed back here.
   */
  self?: string;
  ownGraceMs?: number;
  limit?: number;
}

/**
 * Hands SENDING messages back to the queue when their lease ran out or their owner is known dead,
 * as one compare-and-set (docs/multinode.md): rows are picked with FOR UPDATE SKIP LOCKED, so a
 * peer stopped inside its transaction holds nobody up, and the update re-checks the lease, so a
 * row claimed afresh meanwhile is left alone. A reclaimed message keeps its `not_before` and so
 * its place in the queue. Parts with no recorded carrier answer may already have been written to
 * the carrier; sending them again is counted in `resubmits` (the possible duplicates).
 */
export async function reclaimLeases(
  db: Kysely<Database>,
  caps: Capabilities,
  req: ReclaimRequest,
): Promise<number> {
  const expired = req.self
    ? sql`(lease_until < ${req.now} AND lease_owner <> ${req.self})
        OR (lease_until < ${req.now - (req.ownGraceMs ?? 0)} AND lease_owner = ${req.self})`
    : sql`lease_until < ${req.now}`;
  const due =
    req.deadOwners.length > 0
      ? sql`(${expired} OR lease_owner IN (${sql.join(req.deadOwners)}))`
      : sql`(${expired})`;
  const lock = caps.skipLocked ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  const greatest = caps.dialect === 'postgres' ? sql`GREATEST` : sql`MAX`;
  const result = await sql`
    WITH picked AS MATERIALIZED (
      SELECT id FROM messages WHERE status = 'SENDING' AND ${due}
      ORDER BY not_before, id LIMIT ${req.limit ?? SWEEP_LIMIT}${lock}
    )
    UPDATE messages SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL,
      resubmits = resubmits + ${greatest}(0, segments - (
        SELECT count(*) FROM message_parts p WHERE p.message_id = messages.id))
    WHERE id IN (SELECT id FROM picked) AND status = 'SENDING' AND ${due}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
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
