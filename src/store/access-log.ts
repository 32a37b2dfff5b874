/** The interface access log (standard §8.1 c): written in batches, searched by the auditor. */
import type { Kysely } from 'kysely';
import type { Database, InterfaceAccessLogTable } from './schema.js';
import { chunked } from './sql-values.js';

export type AccessEntry = Omit<InterfaceAccessLogTable, 'id'>;

export async function insertAccessEntries(
  db: Kysely<Database>,
  rows: readonly InterfaceAccessLogTable[],
): Promise<void> {
  for (const chunk of chunked(rows, 200)) await db.insertInto('interface_access_log').values(chunk).execute();
}

export interface AccessFilter {
  from?: number | undefined;
  to?: number | undefined;
  appName?: string | undefined;
  sourceIp?: string | undefined;
  code?: number | undefined;
  /** Only calls not answered 1. */
  refusedOnly?: boolean | undefined;
}

/** Newest first. */
export async function searchAccessLog(
  db: Kysely<Database>,
  filter: AccessFilter,
  limit: number,
  offset: number,
): Promise<{ total: number; entries: InterfaceAccessLogTable[] }> {
  let q = db.selectFrom('interface_access_log');
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  if (filter.appName !== undefined) q = q.where('app_name', '=', filter.appName);
  if (filter.sourceIp !== undefined) q = q.where('source_ip', '=', filter.sourceIp);
  if (filter.code !== undefined) q = q.where('code', '=', filter.code);
  if (filter.refusedOnly === true) q = q.where((eb) => eb.or([eb('code', 'is', null), eb('code', '<>', 1)]));
  const counted = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const entries = await q
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return { total: Number(counted.n), entries };
}
