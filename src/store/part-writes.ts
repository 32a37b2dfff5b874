/**
 * The duplicate measure (docs/multinode.md): a copy is a part written to a carrier again after an
 * earlier write of it that may have reached the handset. The earlier write is known from the
 * part's stored answer (ACCEPTED) or from a row kept for a write with no certain outcome: no answer
 * came (UNANSWERED), or its writer had lost the lease by the time it recorded it (LEASE_LOST).
 * A write no process lived to record (kill -9 between write and commit) is known to nobody here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { chunked } from './sql-values.js';

export type UncertainWrite = 'UNANSWERED' | 'LEASE_LOST';
export type CopyReason = UncertainWrite | 'ACCEPTED';

export interface PartWrite {
  messageId: number;
  partNo: number;
  total: number;
  /** Null when the carrier's acceptance of this write is being stored with it. */
  uncertain: UncertainWrite | null;
}

const keyOf = (messageId: number, partNo: number, total: number): string => `${messageId}:${partNo}:${total}`;

/**
 * Keeps uncertain writes and counts copies; runs before the accepted parts of the same writes are
 * stored, so a part's own acceptance is not taken for an earlier one. Answers the copies found.
 */
export async function recordPartWrites(
  tx: Transaction<Database>,
  writes: readonly PartWrite[],
  now: number,
): Promise<number> {
  if (writes.length === 0) return 0;
  const earlier = new Map<string, CopyReason>();
  for (const chunk of chunked([...new Set(writes.map((w) => w.messageId))], 1000)) {
    const uncertain = await tx
      .selectFrom('part_writes')
      .select(['message_id', 'part_no', 'total', 'uncertain'])
      .where('message_id', 'in', chunk)
      .where('uncertain', 'is not', null)
      .execute();
    for (const r of uncertain)
      earlier.set(keyOf(r.message_id, r.part_no, r.total), r.uncertain as UncertainWrite);
    const accepted = await tx
      .selectFrom('message_parts')
      .select(['message_id', 'part_no', 'total'])
      .where('message_id', 'in', chunk)
      .execute();
    for (const r of accepted) {
      const key = keyOf(r.message_id, r.part_no, r.total);
      if (!earlier.has(key)) earlier.set(key, 'ACCEPTED');
    }
  }
  const rows = new Map<
    string,
    {
      message_id: number;
      part_no: number;
      total: number;
      uncertain: string | null;
      copies: number;
      copy_reason: string | null;
      updated_at: number;
    }
  >();
  let copies = 0;
  for (const w of writes) {
    const key = keyOf(w.messageId, w.partNo, w.total);
    const before = earlier.get(key);
    // A writer without the lease made the copy, whatever the earlier write was.
    const reason = before ? (w.uncertain === 'LEASE_LOST' ? 'LEASE_LOST' : before) : null;
    if (reason) copies++;
    if (w.uncertain) earlier.set(key, w.uncertain);
    if (!reason && !w.uncertain) continue;
    const row = rows.get(key) ?? {
      message_id: w.messageId,
      part_no: w.partNo,
      total: w.total,
      uncertain: null,
      copies: 0,
      copy_reason: null,
      updated_at: now,
    };
    row.uncertain = w.uncertain ?? row.uncertain;
    if (reason) {
      row.copies++;
      row.copy_reason = reason;
    }
    rows.set(key, row);
  }
  for (const chunk of chunked([...rows.values()], 500)) {
    await tx
      .insertInto('part_writes')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['message_id', 'part_no', 'total']).doUpdateSet({
          uncertain: sql`COALESCE(excluded.uncertain, part_writes.uncertain)`,
          copies: sql`part_writes.copies + excluded.copies`,
          copy_reason: sql`COALESCE(excluded.copy_reason, part_writes.copy_reason)`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }
  return copies;
}

/** Copies written so far (still on record), by reason. */
export async function partCopies(db: Kysely<Database>): Promise<Record<CopyReason, number>> {
  const rows = await db
    .selectFrom('part_writes')
    .select((eb) => ['copy_reason', eb.fn.sum<number | string>('copies').as('n')])
    // A literal, as the partial index of migration 0072 states it: SQLite uses it only then.
    .where('copies', '>', sql.lit(0))
    .groupBy('copy_reason')
    .execute();
  const out: Record<CopyReason, number> = { UNANSWERED: 0, LEASE_LOST: 0, ACCEPTED: 0 };
  for (const r of rows)
    if (r.copy_reason && r.copy_reason in out) out[r.copy_reason as CopyReason] = Number(r.n);
  return out;
}
