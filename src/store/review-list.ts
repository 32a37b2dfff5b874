/** What the console's Review page reads about reviews (store/reviews.ts holds their life cycle). */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { findReview, type ReviewRecord } from './reviews.js';

export interface ReviewListItem extends ReviewRecord {
  appName: string;
  /** Signature and content of the review's first batch (a template's text as filled for one row). */
  sampleText: string | null;
  batches: number;
}

export interface ReviewCounts {
  pending: number;
  approved: number;
  rejected: number;
  expired: number;
}

export async function reviewCounts(db: Kysely<Database>): Promise<ReviewCounts> {
  const rows = await db
    .selectFrom('reviews')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
    .where('message_count', '>', 0)
    .groupBy('status')
    .execute();
  const out: ReviewCounts = { pending: 0, approved: 0, rejected: 0, expired: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/**
 * Pending reviews oldest first, or decided ones newest first. Reviews that hold no message (every
 * number of the batch was blocked, or the console's send failed) are left out.
 */
export async function listReviews(
  db: Kysely<Database>,
  filter: { decided: boolean; limit: number; offset: number },
): Promise<{ total: number; items: ReviewListItem[] }> {
  let base = db.selectFrom('reviews').where('reviews.message_count', '>', 0);
  base = filter.decided
    ? base.where('reviews.status', '<>', 'pending')
    : base.where('reviews.status', '=', 'pending');
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    base
      .innerJoin('apps', 'apps.id', 'reviews.app_id')
      .selectAll('reviews')
      .select('apps.name as app_name')
      .orderBy('reviews.created_at', filter.decided ? 'desc' : 'asc')
      .orderBy('reviews.id', filter.decided ? 'desc' : 'asc')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  const ids = rows.map((r) => r.id);
  const batches =
    ids.length === 0
      ? []
      : await db
          .selectFrom('batches')
          .select((eb) => [
            'review_id',
            eb.fn.min<number | string>('id').as('first'),
            eb.fn.countAll<number | string>().as('n'),
          ])
          .where('review_id', 'in', ids)
          .groupBy('review_id')
          .execute();
  const firsts = batches.map((b) => Number(b.first));
  const texts =
    firsts.length === 0
      ? []
      : await db
          .selectFrom('batches')
          .select(['id', 'signature', 'content'])
          .where('id', 'in', firsts)
          .execute();
  const textById = new Map(texts.map((t) => [t.id, t.signature + t.content]));
  const byReview = new Map(batches.map((b) => [b.review_id, b]));
  const items = await Promise.all(
    rows.map(async (row): Promise<ReviewListItem> => {
      const record = await findReview(db, row.id);
      if (!record) throw new Error(`listReviews: review ${row.id} vanished`);
      const b = byReview.get(row.id);
      return {
        ...record,
        appName: row.app_name,
        sampleText: b ? (textById.get(Number(b.first)) ?? null) : null,
        batches: Number(b?.n ?? 0),
      };
    }),
  );
  return { total: Number(count?.n ?? 0), items };
}

export interface ReviewDetail extends ReviewListItem {
  charged: number;
  category: string | null;
  sendAt: number | null;
  /** Up to `sample` recipients (whole numbers: the route masks them) with their status. */
  recipients: { mobile: string; status: string; stat: string | null }[];
  byStatus: Record<string, number>;
}

export async function reviewDetail(
  db: Kysely<Database>,
  id: number,
  sample = 20,
): Promise<ReviewDetail | null> {
  const record = await findReview(db, id);
  if (!record) return null;
  const app = await db.selectFrom('apps').select('name').where('id', '=', record.appId).executeTakeFirst();
  const first = await db
    .selectFrom('batches')
    .select(['signature', 'content', 'category', 'send_at'])
    .where('review_id', '=', id)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const inReview = db
    .selectFrom('messages')
    .where('batch_id', 'in', (eb) => eb.selectFrom('batches').select('id').where('review_id', '=', id));
  const [recipients, statuses, batchCount] = await Promise.all([
    inReview.select(['mobile', 'status', 'stat']).orderBy('id').limit(sample).execute(),
    inReview
      .select((eb) => [
        'status',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.sum<number | string>('charged').as('c'),
      ])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('batches')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('review_id', '=', id)
      .executeTakeFirst(),
  ]);
  const byStatus: Record<string, number> = {};
  let charged = 0;
  for (const s of statuses) {
    byStatus[s.status] = Number(s.n);
    charged += Number(s.c);
  }
  return {
    ...record,
    appName: app?.name ?? String(record.appId),
    sampleText: first ? first.signature + first.content : null,
    batches: Number(batchCount?.n ?? 0),
    charged,
    category: first?.category ?? null,
    sendAt: first?.send_at ?? null,
    recipients,
    byStatus,
  };
}
