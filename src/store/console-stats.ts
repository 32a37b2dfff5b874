/**
 * Counts behind the console's dashboard: messages by time bucket, status, carrier and
 * gateway over a creation-time range and the queue by pending status, from the maintained counts
 * (migration 0070, docs/performance.md); uplinks by time bucket through the index on their time
 * (migration 0013). The caller groups the few resulting rows further.
 */
import { sql, type Kysely } from 'kysely';
import { pendingTallies, tallyCells } from './message-tallies.js';
import type { Database } from './schema.js';

export interface VolumeCell {
  /** Index of the bucket of `bucketMs` from `from`. */
  bucket: number;
  status: string;
  carrier: string;
  gatewayId: string | null;
  n: number;
}

/**
 * Messages created in [from, to) (whole hours), counted per bucket, status, carrier and gateway:
 * from the maintained counts (message-tallies.ts), a few rows per hour whatever the volume.
 */
export async function messageVolume(
  db: Kysely<Database>,
  from: number,
  to: number,
  bucketMs: number,
): Promise<VolumeCell[]> {
  const out = new Map<string, VolumeCell>();
  for (const c of await tallyCells(db, from, to)) {
    const bucket = Math.floor((c.hour - from) / bucketMs);
    const key = `${bucket}\u0000${c.status}\u0000${c.carrier}\u0000${c.gatewayId ?? ''}`;
    const cell = out.get(key);
    if (cell) cell.n += c.n;
    else out.set(key, { bucket, status: c.status, carrier: c.carrier, gatewayId: c.gatewayId, n: c.n });
  }
  return [...out.values()];
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

/** Messages in each of these (pending) statuses, whenever created: from the maintained counts. */
export async function statusDepth(
  db: Kysely<Database>,
  statuses: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = await pendingTallies(db);
  return Object.fromEntries(statuses.map((s) => [s, counts[s] ?? 0]));
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
  const apps = await db
    .selectFrom('apps')
    .select(['id', 'province'])
    .where('province', 'is not', null)
    .execute();
  const provinceOf = new Map(apps.map((a) => [a.id, a.province ?? '']));
  const out = new Map<string, { province: string; status: string; n: number }>();
  for (const c of await tallyCells(db, from, to)) {
    const province = provinceOf.get(c.appId);
    if (province === undefined) continue;
    const key = `${province}\u0000${c.status}`;
    const cell = out.get(key);
    if (cell) cell.n += c.n;
    else out.set(key, { province, status: c.status, n: c.n });
  }
  return [...out.values()];
}
