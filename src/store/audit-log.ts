/**
 * The audit log's SQL (migration 0009): plain functions; the hashing lives in src/audit/log.ts and
 * reaches in through callbacks, so the chain is computed inside the writer's transaction.
 *
 * Every writer starts its transaction by updating the `audit_head` row: on PostgreSQL that takes the
 * row lock (the next writer waits and then sees the committed head), on SQLite the first write takes
 * the database's single write lock at once, so a deferred transaction never has to upgrade a stale
 * read. Either way one writer at a time extends the chain.
 */
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { AuditHeadTable, AuditLogTable, Database } from './schema.js';

type Db = Kysely<Database>;

export interface AuditHead {
  lastSeq: number;
  lastHash: string;
  prunedSeq: number;
  prunedHash: string;
  mac: string;
}

export interface AuditRecord {
  seq: number;
  at: number;
  kind: AuditLogTable['kind'];
  actor: string;
  role: string | null;
  sourceIp: string | null;
  action: string;
  target: string | null;
  result: AuditLogTable['result'];
  /** JSON text exactly as stored and hashed. */
  detail: string;
  prevHash: string;
  hash: string;
}

function toHead(r: AuditHeadTable): AuditHead {
  return {
    lastSeq: r.last_seq,
    lastHash: r.last_hash,
    prunedSeq: r.pruned_seq,
    prunedHash: r.pruned_hash,
    mac: r.mac,
  };
}

function toRecord(r: AuditLogTable): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    actor: r.actor,
    role: r.role,
    sourceIp: r.source_ip,
    action: r.action,
    target: r.target,
    result: r.result,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Locks the head row for the rest of the transaction and returns it (null: the row is gone). */
async function lockHead(trx: Transaction<Database>): Promise<AuditHead | null> {
  const row = await trx
    .updateTable('audit_head')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('id', '=', 1)
    .returningAll()
    .executeTakeFirst();
  return row ? toHead(row) : null;
}

/** The highest seq stored, whether or not the chain reaches it. */
async function maxSeq(db: Db | Transaction<Database>): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return r?.seq ?? 0;
}

async function writeHead(trx: Transaction<Database>, head: AuditHead): Promise<void> {
  await trx
    .updateTable('audit_head')
    .set({
      last_seq: head.lastSeq,
      last_hash: head.lastHash,
      pruned_seq: head.prunedSeq,
      pruned_hash: head.prunedHash,
      mac: head.mac,
    })
    .where('id', '=', 1)
    .execute();
}

/**
 * Appends one record in its own transaction. `seal` sees the locked head (null when the head row is
 * gone) and `nextSeq`, and returns the record to insert and the new head; it may throw to refuse
 * (the transaction rolls back). `nextSeq` passes over rows stored beyond the head by someone else,
 * so writers never collide with them; verify reports those rows.
 */
export async function appendAuditRecord(
  db: Db,
  seal: (head: AuditHead | null, nextSeq: number) => { record: AuditRecord; head: AuditHead },
): Promise<AuditRecord> {
  return db.transaction().execute(async (trx) => {
    const locked = await lockHead(trx);
    const next = Math.max(locked?.lastSeq ?? 0, await maxSeq(trx)) + 1;
    const { record, head } = seal(locked, next);
    await trx
      .insertInto('audit_log')
      .values({
        seq: record.seq,
        at: record.at,
        kind: record.kind,
        actor: record.actor,
        role: record.role,
        source_ip: record.sourceIp,
        action: record.action,
        target: record.target,
        result: record.result,
        detail: record.detail,
        prev_hash: record.prevHash,
        hash: record.hash,
      })
      .execute();
    await writeHead(trx, head);
    return record;
  });
}

export async function readAuditHead(db: Db): Promise<AuditHead | null> {
  const row = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  return row ? toHead(row) : null;
}

/** Rows stored past the head's last seq, read in one statement with the head. */
export async function countBeyondHead(db: Db): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('seq', '>', (eb) => eb.selectFrom('audit_head').select('last_seq').where('id', '=', 1))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Records with afterSeq < seq ≤ upToSeq, in seq order, at most `limit`. */
export async function readAuditPage(
  db: Db,
  afterSeq: number,
  upToSeq: number,
  limit: number,
): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', upToSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

/** Records with from ≤ at < to, in seq order, after `afterSeq` (for paging), at most `limit`. */
export async function readAuditRange(
  db: Db,
  range: { from: number; to: number },
  afterSeq: number,
  limit: number,
): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

/**
 * Removes the oldest records: the prefix of the chain up to (not including) the first record at or
 * after `cutoffAt`, so a younger record is never removed even if clocks made `at` run backwards.
 * `anchor` sees the locked head and the last record to be removed and returns the new head (it may
 * throw to refuse). Returns how many records were removed.
 */
export async function pruneAuditRecords(
  db: Db,
  cutoffAt: number,
  anchor: (head: AuditHead, lastPruned: AuditRecord) => AuditHead,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const head = await lockHead(trx);
    if (!head) return 0;
    const young = await trx
      .selectFrom('audit_log')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where('at', '>=', cutoffAt)
      .executeTakeFirst();
    const youngSeq = young?.seq ?? null;
    const lastSeq = youngSeq === null ? head.lastSeq : youngSeq - 1;
    if (lastSeq <= head.prunedSeq) return 0;
    const last = await trx.selectFrom('audit_log').selectAll().where('seq', '=', lastSeq).executeTakeFirst();
    // A missing record here is a gap verify reports; pruning must not paper over it.
    if (!last) return 0;
    const next = anchor(head, toRecord(last));
    const removed = await trx.deleteFrom('audit_log').where('seq', '<=', lastSeq).executeTakeFirst();
    await writeHead(trx, next);
    return Number(removed.numDeletedRows);
  });
}

/** What the auditor searches by; every field optional. `at` in epoch ms, `to` exclusive. */
export interface AuditFilter {
  from?: number | undefined;
  to?: number | undefined;
  kind?: AuditLogTable['kind'] | undefined;
  actor?: string | undefined;
  /** A part of the action, case-insensitive. */
  actionContains?: string | undefined;
  result?: AuditLogTable['result'] | undefined;
  /** Only records up to this seq (an export stops where the log stood when it began). */
  maxSeq?: number | undefined;
  /** Leaves out routine reads: access entries of API GETs that succeeded. */
  hideRoutine?: boolean | undefined;
}

/** `%`, `_` and the escape character itself match literally. */
function likePattern(part: string): string {
  return `%${part.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filtered(db: Db, f: AuditFilter): SelectQueryBuilder<Database, 'audit_log', object> {
  let q = db.selectFrom('audit_log');
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.result !== undefined) q = q.where('result', '=', f.result);
  if (f.maxSeq !== undefined) q = q.where('seq', '<=', f.maxSeq);
  if (f.hideRoutine === true)
    q = q.where((eb) =>
      eb.not(eb.and([eb('kind', '=', 'access'), eb('result', '=', 'ok'), eb('action', 'like', 'api GET %')])),
    );
  if (f.actionContains !== undefined)
    q = q.where(sql<boolean>`lower(${sql.ref('action')}) like ${likePattern(f.actionContains)} escape '\\'`);
  return q;
}

/** A page of matching records, newest first. */
export async function searchAudit(
  db: Db,
  f: AuditFilter,
  offset: number,
  limit: number,
): Promise<AuditRecord[]> {
  const rows = await filtered(db, f).selectAll().orderBy('seq', 'desc').offset(offset).limit(limit).execute();
  return rows.map(toRecord);
}

export async function countAudit(db: Db, f: AuditFilter): Promise<number> {
  const r = await filtered(db, f)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Matching records after `afterSeq` in seq order, at most `limit` (for exports, page by page). */
export async function readAuditFiltered(
  db: Db,
  f: AuditFilter,
  afterSeq: number,
  limit: number,
): Promise<AuditRecord[]> {
  const rows = await filtered(db, f)
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}
