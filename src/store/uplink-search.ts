/**
 * The console's uplink inbox: uplink messages newest first with their business system (or the
 * citizen service) and, for citizens' commands, what the engine made of them.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface UplinkFilter {
  mobile?: string | undefined;
  /** An app's id, or `citizen` for the uplinks no business system owns. */
  owner?: number | 'citizen' | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** A part of the text, any case (the text is already masked where it held a password). */
  text?: string | undefined;
}

export interface UplinkRow {
  id: number;
  mobile: string;
  ext: string;
  destId: string;
  gatewayId: string;
  appId: number | null;
  appName: string | null;
  text: string;
  receivedAt: number;
  status: string;
  handledAt: number | null;
  command: string | null;
  outcome: string | null;
}

/** Position after which the next page starts (exclusive): newest first by receive time, then id. */
export interface UplinkCursor {
  receivedAt: number;
  id: number;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function searchUplinks(
  db: Kysely<Database>,
  filter: UplinkFilter,
  after: UplinkCursor | null,
  limit: number,
): Promise<UplinkRow[]> {
  let query = db
    .selectFrom('uplink_messages as u')
    .leftJoin('apps as a', 'a.id', 'u.app_id')
    .leftJoin('citizen_requests as r', 'r.uplink_id', 'u.id')
    .select([
      'u.id',
      'u.mobile',
      'u.ext',
      'u.dest_id',
      'u.gateway_id',
      'u.app_id',
      'a.name as app_name',
      'u.text',
      'u.received_at',
      'u.status',
      'u.handled_at',
      'r.command',
      'r.outcome',
    ]);
  if (filter.mobile !== undefined) query = query.where('u.mobile', '=', filter.mobile);
  if (filter.owner === 'citizen') query = query.where('u.app_id', 'is', null);
  else if (filter.owner !== undefined) query = query.where('u.app_id', '=', filter.owner);
  if (filter.from !== undefined) query = query.where('u.received_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('u.received_at', '<', filter.to);
  if (filter.text !== undefined) {
    const pattern = likePattern(filter.text);
    // Case-insensitive in both (PostgreSQL's LIKE is not); an explicit escape, SQLite has none.
    query = query.where(sql<boolean>`lower(u.text) LIKE lower(${pattern}) ESCAPE '\\'`);
  }
  if (after) {
    const { receivedAt, id } = after;
    query = query.where((eb) =>
      eb.or([
        eb('u.received_at', '<', receivedAt),
        eb.and([eb('u.received_at', '=', receivedAt), eb('u.id', '<', id)]),
      ]),
    );
  }
  const rows = await query.orderBy('u.received_at', 'desc').orderBy('u.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    mobile: r.mobile,
    ext: r.ext,
    destId: r.dest_id,
    gatewayId: r.gateway_id,
    appId: r.app_id,
    appName: r.app_name,
    text: r.text,
    receivedAt: r.received_at,
    status: r.status,
    handledAt: r.handled_at,
    command: r.command,
    outcome: r.outcome,
  }));
}
