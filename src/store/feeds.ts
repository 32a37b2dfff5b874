/**
 * Cursor feeds for business systems: final states (`/api/sms/reports`) and uplinks
 * (`/api/sms/replies`). Row ids come from per-process id blocks and transactions commit in any
 * order, so ids cannot be cursors. A sequencer numbers new rows (`seq`) under a lock, one run at a
 * time: every committed seq is larger than every seq committed before it, so a reader never
 * misses a row behind its cursor.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Capabilities } from './connect.js';
import { advisoryXactLock, LOCK_KEYS } from './pg-own-schema.js';
import type { Database } from './schema.js';

const FEED_TABLES = ['delivery_reports', 'uplink_messages'] as const;
type FeedTable = (typeof FEED_TABLES)[number];

export async function sequenceFeeds(db: Kysely<Database>, caps: Capabilities, limit = 5000): Promise<number> {
  // Nothing new is the usual case: find that out without a write (and, on SQLite, an fsync).
  const pending: FeedTable[] = [];
  for (const table of FEED_TABLES) {
    // Through the partial index of the unnumbered rows: left to itself SQLite walks the covering
    // (app_id, seq) index, whose size grows with every report ever written.
    const from =
      caps.dialect === 'sqlite'
        ? sql`${sql.table(table)} INDEXED BY ${sql.id(`${table}_unsequenced`)}`
        : sql.table(table);
    const row = await sql`SELECT 1 AS x FROM ${from} WHERE seq IS NULL LIMIT 1`.execute(db);
    if (row.rows.length > 0) pending.push(table);
  }
  if (pending.length === 0) return 0;
  return db.transaction().execute(async (tx) => {
    if (caps.dialect === 'postgres') await advisoryXactLock(LOCK_KEYS.feedSequencer).execute(tx);
    let total = 0;
    for (const table of pending) total += await sequenceFeed(tx, table, limit);
    return total;
  });
}

async function sequenceFeed(tx: Transaction<Database>, table: FeedTable, limit: number): Promise<number> {
  const name = `feed:${table}`;
  await tx
    .insertInto('sequences')
    .values({ name, next_value: 1 })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const base = await tx
    .selectFrom('sequences')
    .select('next_value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  const t = sql.table(table);
  const updated = await sql`
    UPDATE ${t} SET seq = ${base.next_value - 1} + s.rn
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM ${t} WHERE seq IS NULL ORDER BY id LIMIT ${limit}) AS s
    WHERE ${t}.id = s.id`.execute(tx);
  const count = Number(updated.numAffectedRows ?? 0n);
  if (count > 0) {
    await tx
      .updateTable('sequences')
      .set((eb) => ({ next_value: eb('next_value', '+', count) }))
      .where('name', '=', name)
      .execute();
  }
  return count;
}

export interface ReportFeedItem {
  msgId: string;
  mobile: string;
  status: string;
  stat: string | null;
  doneTime: number;
}

export async function pullReports(
  db: Kysely<Database>,
  appId: number,
  cursor: number,
  limit: number,
  /** The last position wanted (a failed callback batch sent again); default: no bound. */
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<{ items: ReportFeedItem[]; nextCursor: number }> {
  const rows = await db
    .selectFrom('delivery_reports')
    .select(['seq', 'message_id', 'mobile', 'status', 'stat', 'done_at'])
    .where('app_id', '=', appId)
    .where('seq', '>', cursor)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return {
    items: rows.map((r) => ({
      msgId: String(r.message_id),
      mobile: r.mobile,
      status: r.status,
      stat: r.stat,
      doneTime: r.done_at,
    })),
    nextCursor: rows.length > 0 ? Number(rows.at(-1)?.seq) : cursor,
  };
}

export interface ReplyFeedItem {
  replyId: string;
  mobile: string;
  destId: string;
  extCode: string;
  /** Masked where it held an SSN-shaped run; `textEnc` then holds the whole text, sealed. */
  text: string;
  textEnc: string | null;
  receivedTime: number;
}

export async function pullReplies(
  db: Kysely<Database>,
  appId: number,
  cursor: number,
  limit: number,
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<{ items: ReplyFeedItem[]; nextCursor: number }> {
  const rows = await db
    .selectFrom('uplink_messages')
    .select(['seq', 'id', 'mobile', 'dest_id', 'ext', 'text', 'text_enc', 'received_at'])
    .where('app_id', '=', appId)
    .where('seq', '>', cursor)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return {
    items: rows.map((r) => ({
      replyId: String(r.id),
      mobile: r.mobile,
      destId: r.dest_id,
      extCode: r.ext,
      text: r.text,
      textEnc: r.text_enc,
      receivedTime: r.received_at,
    })),
    nextCursor: rows.length > 0 ? Number(rows.at(-1)?.seq) : cursor,
  };
}
