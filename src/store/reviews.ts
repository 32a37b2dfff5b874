/**
 * Reviews of held messages (docs/design.md §5 "block, or hold for review"). A review is created
 * pending; admission stores the messages of its batches HELD (charged as usual) and counts them.
 *
 *   pending ──approve──► approved   messages HELD → QUEUED, not before max(not_before, now)
 *           ──reject───► rejected   messages HELD → REJECTED (stat REVIEW), refunded, reported
 *           ──hold time passes──► expired   messages HELD → EXPIRED (stat EXPIRED), refunded, reported
 *
 * Deciding is guarded by the pending status in the same statement, so two reviewers (or a reviewer
 * and the sweeper) cannot both decide one review.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import { finishMessages } from './finish.js';
import type { IdAllocator } from './ids.js';
import { recordTallies, TallyChanges } from './message-tallies.js';
import type { Selectable } from 'kysely';
import type { Database, ReviewsTable } from './schema.js';

export type ReviewKind = ReviewsTable['kind'];
export type ReviewStatus = ReviewsTable['status'];

/** What the list shows about a review; free-form beyond these keys (JSON). */
export interface ReviewSummary {
  /** Words of the text that asked for the review. */
  words?: readonly string[];
  [key: string]: unknown;
}

export interface NewReview {
  kind: ReviewKind;
  appId: number;
  /** The console user sending the batch; null for a business system. */
  requestedBy: string | null;
  summary: ReviewSummary;
}

export interface ReviewRecord {
  id: number;
  kind: ReviewKind;
  status: ReviewStatus;
  appId: number;
  requestedBy: string | null;
  summary: ReviewSummary;
  messageCount: number;
  createdAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
}

/** Creates a pending review; pass its id as `reviewId` to admission for every batch it holds. */
export async function createReview(
  db: Kysely<Database>,
  ids: IdAllocator,
  review: NewReview,
  now: number,
): Promise<number> {
  await ids.reserve(1);
  const id = ids.take();
  await db
    .insertInto('reviews')
    .values({
      id,
      kind: review.kind,
      status: 'pending',
      app_id: review.appId,
      requested_by: review.requestedBy,
      summary: JSON.stringify(review.summary),
      created_at: now,
      decided_by: null,
      decided_at: null,
      note: null,
    })
    .execute();
  return id;
}

function toRecord(row: Selectable<ReviewsTable>): ReviewRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    appId: row.app_id,
    requestedBy: row.requested_by,
    summary: JSON.parse(row.summary) as ReviewSummary,
    messageCount: row.message_count,
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.note,
  };
}

export async function findReview(db: Kysely<Database>, id: number): Promise<ReviewRecord | null> {
  const row = await db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export interface Decision {
  reviewId: number;
  by: string;
  note: string | null;
  now: number;
}

export type DecisionResult =
  | { kind: 'decided'; messages: number }
  /** Not pending any more (decided or expired before): nothing changed. */
  | { kind: 'not-pending'; status: ReviewStatus | null };

async function markDecided(
  tx: Transaction<Database>,
  d: Decision,
  status: ReviewStatus,
): Promise<DecisionResult | null> {
  const updated = await tx
    .updateTable('reviews')
    .set({ status, decided_by: d.by, decided_at: d.now, note: d.note })
    .where('id', '=', d.reviewId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return null;
  const row = await tx.selectFrom('reviews').select('status').where('id', '=', d.reviewId).executeTakeFirst();
  return { kind: 'not-pending', status: row?.status ?? null };
}

const heldOf = (reviewId: number) =>
  sql<boolean>`status = 'HELD' AND batch_id IN (SELECT id FROM batches WHERE review_id = ${reviewId})`;

/** Approve: the held messages join the queue now (or at their later send time). Wake the dispatcher after. */
export async function approveReview(db: Kysely<Database>, d: Decision): Promise<DecisionResult> {
  return db.transaction().execute(async (tx) => {
    const refused = await markDecided(tx, d, 'approved');
    if (refused) return refused;
    const result = await tx
      .updateTable('messages')
      .set({
        status: 'QUEUED',
        not_before: sql<number>`CASE WHEN not_before < ${d.now} THEN ${d.now} ELSE not_before END`,
      })
      .where(heldOf(d.reviewId))
      .returning(['created_at', 'app_id', 'carrier'])
      .execute();
    const tallies = new TallyChanges();
    for (const r of result)
      tallies.move(
        { createdAt: r.created_at, appId: r.app_id, carrier: r.carrier, gatewayId: null, status: 'HELD' },
        { status: 'QUEUED', gatewayId: null },
      );
    await recordTallies(tx, tallies);
    return { kind: 'decided', messages: result.length };
  });
}

/** Reject: the held messages end REJECTED with stat REVIEW, are refunded and reported to their app. */
export async function rejectReview(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  d: Decision,
): Promise<DecisionResult> {
  // A batch still being admitted under this review may add messages: some ids to spare.
  await ids.reserve((await heldCount(db, d.reviewId)) + SPARE_IDS);
  return db.transaction().execute(async (tx) => {
    const refused = await markDecided(tx, d, 'rejected');
    if (refused) return refused;
    const messages = await endHeld(
      tx,
      caps,
      ids,
      d.reviewId,
      'REJECTED',
      'REVIEW',
      'rejected by a reviewer',
      d.now,
    );
    return { kind: 'decided', messages };
  });
}

async function heldCount(db: Kysely<Database>, reviewId: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    // PostgreSQL answers a count as text.
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where(heldOf(reviewId))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function endHeld(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  reviewId: number,
  status: 'REJECTED' | 'EXPIRED',
  stat: string,
  error: string,
  now: number,
): Promise<number> {
  const rows = await tx.selectFrom('messages').select(['id', 'charged']).where(heldOf(reviewId)).execute();
  // Held messages never reached a carrier: the whole charge goes back.
  return finishMessages(
    tx,
    caps,
    ids,
    rows.map((r) => ({ id: r.id, status, stat, error, refund: r.charged, doneAt: now })),
    now,
  );
}

const EXPIRE_LIMIT = 100;
const SPARE_IDS = 1000;

/**
 * Reviews pending longer than `holdMs` expire: their held messages end EXPIRED, refunded and
 * reported (the sweeper runs this). Returns the number of reviews expired.
 */
export async function expireReviews(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  now: number,
  holdMs: number,
): Promise<number> {
  const due = await db
    .selectFrom('reviews')
    .select(['id', 'message_count'])
    .where('status', '=', 'pending')
    .where('created_at', '<', now - holdMs)
    .orderBy('created_at')
    .limit(EXPIRE_LIMIT)
    .execute();
  let expired = 0;
  for (const review of due) {
    await ids.reserve(review.message_count + SPARE_IDS);
    const done = await db.transaction().execute(async (tx) => {
      const refused = await markDecided(
        tx,
        { reviewId: review.id, by: 'system', note: null, now },
        'expired',
      );
      if (refused) return false;
      await endHeld(
        tx,
        caps,
        ids,
        review.id,
        'EXPIRED',
        'EXPIRED',
        'no review decision within the hold time',
        now,
      );
      return true;
    });
    if (done) expired += 1;
  }
  return expired;
}
