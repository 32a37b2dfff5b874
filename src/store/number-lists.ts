/**
 * The operator's number lists (§8.2) and the citizens' unsubscriptions, all in `mobile_blocks`:
 * BLACKLIST (never sent), WHITELIST (exempt from frequency limits) and TD (the citizen's own
 * choice, which only the citizen undoes).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type ListKind = Database['mobile_blocks']['kind'];

export interface ListEntry {
  mobile: string;
  kind: ListKind;
  reason: string | null;
  createdAt: number;
}

export interface ListPage {
  entries: ListEntry[];
  total: number;
}

export async function listNumbers(
  db: Kysely<Database>,
  kind: ListKind,
  options: { mobile?: string | undefined; offset: number; limit: number },
): Promise<ListPage> {
  let query = db.selectFrom('mobile_blocks').where('kind', '=', kind);
  if (options.mobile !== undefined) query = query.where('mobile', '=', options.mobile);
  const [rows, count] = await Promise.all([
    query
      .select(['mobile', 'kind', 'reason', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('mobile')
      .offset(options.offset)
      .limit(options.limit)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    entries: rows.map((r) => ({ mobile: r.mobile, kind: r.kind, reason: r.reason, createdAt: r.created_at })),
    total: count.n,
  };
}

/** How many numbers each list holds. */
export async function listCounts(db: Kysely<Database>): Promise<Record<ListKind, number>> {
  const rows = await db
    .selectFrom('mobile_blocks')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .execute();
  const out: Record<ListKind, number> = { BLACKLIST: 0, WHITELIST: 0, TD: 0 };
  for (const r of rows) out[r.kind] = r.n;
  return out;
}

/** Adds numbers to an operator list; a number already there keeps its entry. Returns how many were new. */
export async function addNumbers(
  db: Kysely<Database>,
  kind: 'BLACKLIST' | 'WHITELIST',
  mobiles: readonly string[],
  reason: string | null,
  now: number,
): Promise<number> {
  let added = 0;
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < mobiles.length; i += 500) {
      const chunk = mobiles.slice(i, i + 500);
      const result = await tx
        .insertInto('mobile_blocks')
        .values(chunk.map((mobile) => ({ mobile, kind, reason, created_at: now })))
        .onConflict((oc) => oc.columns(['mobile', 'kind']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
  });
  return added;
}

/** Removes a number from an operator list; false when it was not there. */
export async function removeNumber(
  db: Kysely<Database>,
  kind: 'BLACKLIST' | 'WHITELIST',
  mobile: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('mobile_blocks')
    .where('kind', '=', kind)
    .where('mobile', '=', mobile)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Every entry of a list, oldest first, in pages (for the CSV export). */
export async function* allNumbers(
  db: Kysely<Database>,
  kind: ListKind,
  pageSize = 5000,
): AsyncGenerator<ListEntry[]> {
  let after: { createdAt: number; mobile: string } | null = null;
  for (;;) {
    let query = db
      .selectFrom('mobile_blocks')
      .select(['mobile', 'kind', 'reason', 'created_at'])
      .where('kind', '=', kind);
    if (after) {
      const { createdAt, mobile } = after;
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', createdAt),
          eb.and([eb('created_at', '=', createdAt), eb('mobile', '>', mobile)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at').orderBy('mobile').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => ({ mobile: r.mobile, kind: r.kind, reason: r.reason, createdAt: r.created_at }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { createdAt: last.created_at, mobile: last.mobile };
  }
}
