/**
 * Counts behind the console's dashboard: messages by time bucket, status, carrier and
 * gateway over a creation-time range, uplinks by time bucket, and the queue by pending status.
 * Every range read uses an index on the time column (migrations 0012 and 0013); the caller groups
 * the few resulting rows further.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface VolumeCell {
  /** Index of the bucket of `bucketMs` from `from`. */
  bucket: number;
  status: string;
  carrier: string;
  gatewayId: string | null;
  n: number;
}

/** Messages created in [from, to), counted per bucket, status, carrier and gateway. */
export async function messageVolume(
  db: Kysely<Database>,
  from: number,
  to: number,
  bucketMs: number,
): Promise<VolumeCell[]> {
  // Integer division in both dialects; literals, so that PostgreSQL sees the same expression in
  // SELECT and GROUP BY and SQLite does not bind the start as a REAL (which would divide exactly).
  const bucket = sql<number | string>`(created_at - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`;
  const rows = await db
    .selectFrom('messages')
    .select((eb) => [
      bucket.as('bucket'),
      'status',
      'carrier',
      'gateway_id',
      eb.fn.countAll<number | string>().as('n'),
    ])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy([bucket, 'status', 'carrier', 'gateway_id'])
    .execute();
  return rows.map((r) => ({
    bucket: Number(r.bucket),
    status: r.status,
    carrier: r.carrier,
    gatewayId: r.gateway_id,
    n: Number(r.n),
  }));
}

/** Uplinks received in [from, to), counted per bucket of `bucketMs`. */
export async function uplinkVolume(
  db: Kysely<Database>,
  from: number,
  to: number,
  bucketMs: number,
): Promise<{ bucket: number; n: number }[]> {
  const bucket = sql<number | string>`(received_at - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`;
  const rows = await db
    .selectFrom('uplink_messages')
    .select((eb) => [bucket.as('bucket'), eb.fn.countAll<number | string>().as('n')])
    .where('received_at', '>=', from)
    .where('received_at', '<', to)
    .groupBy(bucket)
    .execute();
  return rows.map((r) => ({ bucket: Number(r.bucket), n: Number(r.n) }));
}

/**
 * Messages in each of these statuses, whenever created. One count per status with the status as a
 * literal: the partial indexes of 0001 (WHERE status = 'QUEUED' …) serve exactly that form, and
 * SQLite uses a partial index only when the query repeats its condition literally.
 */
export async function statusDepth(
  db: Kysely<Database>,
  statuses: readonly string[],
): Promise<Record<string, number>> {
  const counts = await Promise.all(
    statuses.map(async (status) => {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', sql.lit(status))
        .executeTakeFirstOrThrow();
      return [status, Number(row.n)] as const;
    }),
  );
  return Object.fromEntries(counts);
}

/**
 * Messages created in [from, to) by the sending account's province and status: the ministry
 * platform's per-province figures (docs/federation.md). Accounts without a province are left out.
 */
export async function provinceVolume(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<{ province: string; status: string; n: number }[]> {
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('apps as a', 'a.id', 'm.app_id')
    .select((eb) => ['a.province', 'm.status', eb.fn.countAll<number | string>().as('n')])
    .where('m.created_at', '>=', from)
    .where('m.created_at', '<', to)
    .where('a.province', 'is not', null)
    .groupBy(['a.province', 'm.status'])
    .execute();
  return rows.map((r) => ({ province: r.province ?? '', status: r.status, n: Number(r.n) }));
}
