/**
 * The admission transaction: a group of send requests becomes durable in one commit (group
 * commit). Per request, in order: a repeated clientMsgId returns its first answer; blocked numbers
 * are recorded BLOCKED and not charged; the balance is checked and debited; the batch and its
 * messages are written. Code 1 is only answered after this commit.
 */
import type { Kysely, Transaction } from 'kysely';
import { honoursUnsubscribe, type Category } from '../domain/categories.js';
import type { Carrier } from '../domain/carrier.js';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import type { Database, NewMessage } from './schema.js';

export interface AdmissionRecipient {
  mobile: string;
  carrier: Carrier;
  /** Segments this number takes on its route; null when no gateway serves it. */
  segments: number | null;
}

export interface PreparedAdmission {
  appId: number;
  clientMsgId: string | null;
  signature: string;
  content: string;
  srcExt: string;
  islong: boolean;
  category: Category;
  sendAt: number | null;
  recipients: readonly AdmissionRecipient[];
}

export type RecipientStatus = 'QUEUED' | 'BLOCKED' | 'FAILED';

export interface AcceptedAnswer {
  code: 1;
  batchId: string;
  charged: number;
  msgIds: { mobile: string; msgId: string; status: RecipientStatus }[];
}

export type AdmissionResult =
  | { kind: 'accepted'; answer: AcceptedAnswer }
  /** The same clientMsgId was accepted before: its stored answer, nothing sent again. */
  | { kind: 'replayed'; answer: AcceptedAnswer }
  | { kind: 'insufficient'; balance: number; needed: number };

const MESSAGE_ROWS_PER_STATEMENT = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ids the group can need: one batch, one message and one report row per recipient. */
export function idsNeeded(group: readonly PreparedAdmission[]): number {
  return group.reduce((n, r) => n + 1 + 2 * r.recipients.length, 0);
}

export async function admitGroup(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
): Promise<AdmissionResult[]> {
  await ids.reserve(idsNeeded(group));
  return db.transaction().execute((tx) => admitInTransaction(tx, caps, ids, group, now));
}

/** Admission inside the caller's transaction (its ids reserved with `idsNeeded` first). */
export async function admitInTransaction(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
): Promise<AdmissionResult[]> {
  const replays = await findReplays(tx, group);
  const blocked = await findBlocked(tx, caps, group);
  const balances = await lockBalances(tx, caps, [...new Set(group.map((r) => r.appId))]);

  const results: AdmissionResult[] = [];
  const batches: Parameters<typeof insertBatches>[1] = [];
  const messages: NewMessage[] = [];
  const reports: Database['delivery_reports'][] = [];
  const seenKeys = new Map<string, AcceptedAnswer>();

  for (const req of group) {
    const key = req.clientMsgId === null ? null : `${req.appId}\u0000${req.clientMsgId}`;
    const earlier = key === null ? undefined : (replays.get(key) ?? seenKeys.get(key));
    if (earlier) {
      results.push({ kind: 'replayed', answer: earlier });
      continue;
    }
    const honoursTd = honoursUnsubscribe(req.category);
    const statusOf = (r: AdmissionRecipient): RecipientStatus => {
      const kinds = blocked.get(r.mobile);
      if (kinds?.has('BLACKLIST') || (honoursTd && kinds?.has('TD'))) return 'BLOCKED';
      return r.segments === null ? 'FAILED' : 'QUEUED';
    };
    const statuses = req.recipients.map(statusOf);
    const needed = req.recipients.reduce(
      (n, r, i) => n + (statuses[i] === 'QUEUED' ? (r.segments ?? 0) : 0),
      0,
    );
    const balance = balances.get(req.appId) ?? 0;
    if (needed > balance) {
      results.push({ kind: 'insufficient', balance, needed });
      continue;
    }
    balances.set(req.appId, balance - needed);

    const batchId = ids.take();
    const answer: AcceptedAnswer = { code: 1, batchId: String(batchId), charged: needed, msgIds: [] };
    req.recipients.forEach((r, i) => {
      const status = statuses[i] ?? 'FAILED';
      const id = ids.take();
      answer.msgIds.push({ mobile: r.mobile, msgId: String(id), status });
      const charged = status === 'QUEUED' ? (r.segments ?? 0) : 0;
      messages.push({
        id,
        batch_id: batchId,
        app_id: req.appId,
        mobile: r.mobile,
        carrier: r.carrier,
        status,
        segments: r.segments ?? 0,
        charged,
        not_before: req.sendAt ?? now,
        created_at: now,
        lease_owner: null,
        lease_until: null,
        gateway_id: null,
        submitted_at: null,
        deadline_at: null,
        done_at: status === 'QUEUED' ? null : now,
        stat: status === 'BLOCKED' ? 'BLOCKED' : status === 'FAILED' ? 'NOROUTE' : null,
        error: status === 'FAILED' ? 'no gateway serves this carrier' : null,
      });
      if (status !== 'QUEUED') {
        reports.push({
          id: ids.take(),
          seq: null,
          app_id: req.appId,
          message_id: id,
          mobile: r.mobile,
          status,
          stat: status === 'BLOCKED' ? 'BLOCKED' : 'NOROUTE',
          done_at: now,
          created_at: now,
        });
      }
    });
    batches.push({ id: batchId, req, answer });
    if (key !== null) seenKeys.set(key, answer);
    results.push({ kind: 'accepted', answer });
  }

  await insertBatches(tx, batches, now);
  for (const chunk of chunks(messages, MESSAGE_ROWS_PER_STATEMENT))
    await tx.insertInto('messages').values(chunk).execute();
  for (const chunk of chunks(reports, MESSAGE_ROWS_PER_STATEMENT))
    await tx.insertInto('delivery_reports').values(chunk).execute();
  const debits = new Map<number, number>();
  for (const b of batches) debits.set(b.req.appId, (debits.get(b.req.appId) ?? 0) + b.answer.charged);
  for (const [appId, amount] of debits) {
    if (amount === 0) continue;
    await tx
      .updateTable('apps')
      .set((eb) => ({ balance: eb('balance', '-', amount) }))
      .where('id', '=', appId)
      .execute();
  }
  return results;
}

async function findReplays(
  tx: Transaction<Database>,
  group: readonly PreparedAdmission[],
): Promise<Map<string, AcceptedAnswer>> {
  const keyed = group.filter((r) => r.clientMsgId !== null);
  const out = new Map<string, AcceptedAnswer>();
  if (keyed.length === 0) return out;
  const rows = await tx
    .selectFrom('batches')
    .select(['app_id', 'client_msg_id', 'response'])
    .where((eb) =>
      eb.or(keyed.map((r) => eb.and([eb('app_id', '=', r.appId), eb('client_msg_id', '=', r.clientMsgId)]))),
    )
    .execute();
  for (const row of rows)
    out.set(`${row.app_id}\u0000${row.client_msg_id ?? ''}`, JSON.parse(row.response) as AcceptedAnswer);
  return out;
}

async function findBlocked(
  tx: Transaction<Database>,
  caps: Capabilities,
  group: readonly PreparedAdmission[],
): Promise<Map<string, Set<string>>> {
  const mobiles = [...new Set(group.flatMap((r) => r.recipients.map((x) => x.mobile)))];
  const out = new Map<string, Set<string>>();
  for (const chunk of chunks(mobiles, Math.min(caps.maxParameters, 5000))) {
    const rows = await tx
      .selectFrom('mobile_blocks')
      .select(['mobile', 'kind'])
      .where('mobile', 'in', chunk)
      .execute();
    for (const row of rows) {
      const kinds = out.get(row.mobile) ?? new Set<string>();
      kinds.add(row.kind);
      out.set(row.mobile, kinds);
    }
  }
  return out;
}

async function lockBalances(
  tx: Transaction<Database>,
  caps: Capabilities,
  appIds: number[],
): Promise<Map<number, number>> {
  let query = tx.selectFrom('apps').select(['id', 'balance']).where('id', 'in', appIds);
  // Row locks keep two processes from spending the same balance.
  if (caps.skipLocked) query = query.forUpdate();
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.id, r.balance]));
}

async function insertBatches(
  tx: Transaction<Database>,
  batches: { id: number; req: PreparedAdmission; answer: AcceptedAnswer }[],
  now: number,
): Promise<void> {
  if (batches.length === 0) return;
  const rows = batches.map(({ id, req, answer }) => ({
    id,
    app_id: req.appId,
    client_msg_id: req.clientMsgId,
    signature: req.signature,
    content: req.content,
    src_ext: req.srcExt,
    islong: req.islong ? 1 : 0,
    category: req.category,
    send_at: req.sendAt,
    total: req.recipients.length,
    created_at: now,
    response: JSON.stringify(answer),
  }));
  for (const chunk of chunks(rows, 500)) await tx.insertInto('batches').values(chunk).execute();
}
