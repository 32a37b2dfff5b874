/**
 * The outbox seen from the dispatcher: claiming queued messages under a lease, and what a claimed
 * message needs to be sent (its batch's text and the parts the carrier already took).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import { pendingTallies } from './message-tallies.js';
import type { Database } from './schema.js';
import { chunked, eachRow } from './sql-values.js';

export interface ClaimedMessage {
  id: number;
  batchId: number;
  appId: number;
  mobile: string;
  carrier: string;
  segments: number;
  charged: number;
  attempts: number;
  /** With the owner, the lease token every write of this claim's outcome must name. */
  epoch: number;
  notBefore: number;
  createdAt: number;
  /** When the carrier should stop trying (migration 0037); null on older rows. */
  validUntil: number | null;
  /** Home province code from the segment data at admission ('' = unknown). */
  homeProvince: string;
}

export interface ClaimRequest {
  owner: string;
  leaseUntil: number;
  now: number;
  /** Only messages for these carriers: the ones whose carrier links are bound now. */
  carriers: readonly string[];
  /** On a province platform with a ministry link: what that link may take now (pipeline/router.ts). */
  remote?: RemoteClaim | null;
  limit: number;
}

/** Which messages the ministry link takes: other provinces' numbers, or all when `province` is null. */
export interface RemoteClaim {
  carriers: readonly string[];
  province: string | null;
  /** Numbers of unknown home province go to the ministry too (`federation.unknownHome: ministry`). */
  unknownRemote: boolean;
}

export interface ClaimRouting {
  local: string[];
  remote: RemoteClaim | null;
}

/** The claim's filter by route: carrier links take local numbers, the ministry link the others. */
function routeFilter(req: ClaimRequest): RawBuilder<unknown> | null {
  const remote = req.remote;
  if (!remote) return req.carriers.length > 0 ? sql`carrier IN (${sql.join(req.carriers)})` : null;
  const isLocal =
    remote.province === null
      ? sql`1 = 0`
      : remote.unknownRemote
        ? sql`home_province = ${remote.province}`
        : sql`home_province IN (${remote.province}, '')`;
  const branches: RawBuilder<unknown>[] = [];
  if (req.carriers.length > 0) branches.push(sql`(carrier IN (${sql.join(req.carriers)}) AND ${isLocal})`);
  if (remote.carriers.length > 0)
    branches.push(sql`(carrier IN (${sql.join(remote.carriers)}) AND NOT (${isLocal}))`);
  return branches.length > 0 ? sql`(${sql.join(branches, sql` OR `)})` : null;
}

/**
 * Moves up to `limit` due QUEUED messages to SENDING under this owner's lease, in due-time order.
 * On PostgreSQL, FOR UPDATE SKIP LOCKED lets several processes claim side by side.
 */
export async function claimMessages(
  db: Kysely<Database>,
  caps: Capabilities,
  req: ClaimRequest,
): Promise<ClaimedMessage[]> {
  const route = routeFilter(req);
  if (route === null || req.limit <= 0) return [];
  const lock = caps.skipLocked ? sql` FOR UPDATE SKIP LOCKED` : sql``;
  // SQLite's planner takes the carrier filter to messages_carrier_created (every message of those
  // carriers, ever) over the partial index of the queued ones: named, the claim reads only the queue.
  const queue = caps.dialect === 'sqlite' ? sql`messages INDEXED BY messages_queued` : sql`messages`;
  const result = await sql<{
    id: number;
    batch_id: number;
    app_id: number;
    mobile: string;
    carrier: string;
    segments: number;
    charged: number;
    attempts: number;
    lease_epoch: number;
    not_before: number;
    created_at: number;
    valid_until: number | null;
    home_province: string;
  }>`
    UPDATE messages SET status = 'SENDING', lease_owner = ${req.owner}, lease_until = ${req.leaseUntil},
      attempts = attempts + 1, lease_epoch = lease_epoch + 1
    WHERE id IN (
      SELECT id FROM ${queue}
      WHERE status = 'QUEUED' AND ${route} AND not_before <= ${req.now}
      ORDER BY not_before, id
      LIMIT ${req.limit}${lock}
    )
    RETURNING id, batch_id, app_id, mobile, carrier, segments, charged, attempts, lease_epoch, not_before,
      created_at, valid_until, home_province`.execute(db);
  return result.rows
    .map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      appId: r.app_id,
      mobile: r.mobile,
      carrier: r.carrier,
      segments: r.segments,
      charged: r.charged,
      attempts: r.attempts,
      epoch: r.lease_epoch,
      notBefore: r.not_before,
      createdAt: r.created_at,
      validUntil: r.valid_until,
      homeProvince: r.home_province,
    }))
    .sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
}

/** A claim as its holder names it: the lease token (owner, epoch) of one message. */
export interface Lease {
  id: number;
  epoch: number;
}

export interface ReleaseRequest {
  owner: string;
  leases: readonly Lease[];
}

/**
 * Hands claimed messages that were never sent back to the queue (their attempt is not counted),
 * each only while it is still under the lease it was claimed with.
 */
export async function releaseClaims(
  tx: Transaction<Database>,
  caps: Capabilities,
  req: ReleaseRequest,
): Promise<number> {
  const updated = await eachRow(
    tx,
    caps,
    req.leases.map((l) => [l.id, l.epoch]),
    {
      types: ['bigint', 'integer'],
      build: (col, from) => sql<{ id: number }>`
        UPDATE messages SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
        ${from.clause}
        WHERE messages.id = ${col(1)} AND messages.lease_epoch = ${col(2)}
          AND messages.status = 'SENDING' AND messages.lease_owner = ${req.owner}
        RETURNING messages.id`,
    },
  );
  return updated.length;
}

export interface BatchText {
  id: number;
  appId: number;
  signature: string;
  content: string;
  srcExt: string;
  category: string;
}

export async function loadBatches(db: Kysely<Database>, ids: readonly number[]): Promise<BatchText[]> {
  const out: BatchText[] = [];
  for (const chunk of chunked(ids, 1000)) {
    const rows = await db
      .selectFrom('batches')
      .select(['id', 'app_id', 'signature', 'content', 'src_ext', 'category'])
      .where('id', 'in', chunk)
      .execute();
    for (const r of rows)
      out.push({
        id: r.id,
        appId: r.app_id,
        signature: r.signature,
        content: r.content,
        srcExt: r.src_ext,
        category: r.category,
      });
  }
  return out;
}

/** Part numbers the carrier already accepted, per message (for resubmitting only the rest). */
export async function acceptedParts(
  db: Kysely<Database>,
  messageIds: readonly number[],
): Promise<Map<number, TakenParts>> {
  const out = new Map<number, TakenParts>();
  for (const chunk of chunked(messageIds, 1000)) {
    const rows = await db
      .selectFrom('message_parts')
      .select(['message_id', 'part_no', 'total'])
      .where('message_id', 'in', chunk)
      .execute();
    for (const r of rows) {
      const taken = out.get(r.message_id) ?? { total: r.total, parts: new Set<number>() };
      taken.parts.add(r.part_no);
      out.set(r.message_id, taken);
    }
  }
  return out;
}

/** Parts of a message a carrier already took, and the cut (segment count) they belong to. */
export interface TakenParts {
  total: number;
  parts: Set<number>;
}

/** Messages not yet final, by status (for the metrics endpoint): from the maintained counts. */
export const pendingCounts = pendingTallies;
