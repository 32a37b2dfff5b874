/**
 * The interface access log (standard §8.1 c): written in batches, searched and exported by the
 * auditor, pruned after `retention.interfaceLogDays` (docs/data-protection.md "Retention").
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
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
  /** Exact, or every path starting with what precedes a final `*`. */
  path?: string | undefined;
  /** The answer's code (Appendix A, -1 included). */
  code?: number | undefined;
  /** Only calls not answered 1. */
  refusedOnly?: boolean | undefined;
}

type AccessQuery = SelectQueryBuilder<Database, 'interface_access_log', object>;

/** `like` with its own wildcards taken literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered(db: Kysely<Database>, filter: AccessFilter): AccessQuery {
  let q: AccessQuery = db.selectFrom('interface_access_log');
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  if (filter.appName !== undefined) q = q.where('app_name', '=', filter.appName);
  if (filter.sourceIp !== undefined) q = q.where('source_ip', '=', filter.sourceIp);
  const path = filter.path;
  if (path !== undefined)
    q = path.endsWith('*')
      ? q.where(sql<boolean>`path LIKE ${likePrefix(path.slice(0, -1))} ESCAPE '\\'`)
      : q.where('path', '=', path);
  if (filter.code !== undefined) q = q.where('code', '=', filter.code);
  if (filter.refusedOnly === true) q = q.where((eb) => eb.or([eb('code', 'is', null), eb('code', '<>', 1)]));
  return q;
}

/** Newest first, a page at `offset`, with how many match in all. */
export async function searchAccessLog(
  db: Kysely<Database>,
  filter: AccessFilter,
  limit: number,
  offset: number,
): Promise<{ total: number; entries: InterfaceAccessLogTable[] }> {
  const q = filtered(db, filter);
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

/** Newest first from just after `after` (the last row of the page before): the export's pages. */
export async function readAccessLogPage(
  db: Kysely<Database>,
  filter: AccessFilter,
  after: { at: number; id: number } | null,
  limit: number,
): Promise<InterfaceAccessLogTable[]> {
  let q = filtered(db, filter);
  if (after)
    q = q.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  return q.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
