/**
 * The admission transaction: a group of send requests becomes durable in one commit (group
 * commit). It reads what the group's decisions need (earlier answers to repeated clientMsgIds,
 * blocked numbers, each number's counted notices and surveys, locked balances), plans the answers
 * and rows with the pure planner (domain/admission-plan.ts), and writes the plan. Code 1 is only
 * answered after this commit.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import {
  idsNeeded,
  replayKey,
  NO_SENDING_RULES,
  type AcceptedAnswer,
  type PreparedAdmission,
  type SendingRules,
  type StoredAdmission,
} from '../domain/admission.js';
import {
  planAdmission,
  sendTime,
  type AdmissionPlan,
  type AdmissionReads,
  type PlannedBatch,
} from '../domain/admission-plan.js';
import { CATEGORIES } from '../domain/categories.js';
import {
  frequencyRulesActive,
  relevantRange,
  subjectToSendingLimits,
  type FrequencyRules,
  type SendingEntry,
} from '../domain/sending-limits.js';
import type { Capabilities } from './connect.js';
import type { IdAllocator } from './ids.js';
import { admittedTallies, recordTallies } from './message-tallies.js';
import { insertRows } from './sql-values.js';
import type { Database } from './schema.js';

export {
  idsNeeded,
  NO_SENDING_RULES,
  type AcceptedAnswer,
  type AdmissionRecipient,
  type AdmissionResult,
  type PreparedAdmission,
  type RecipientStat,
  type RecipientStatus,
  type SendingRules,
  type StoredAdmission,
} from '../domain/admission.js';

const MESSAGE_ROWS_PER_STATEMENT = 1000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function admitGroup(
  db: Kysely<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules = NO_SENDING_RULES,
): Promise<StoredAdmission[]> {
  const nextId = await ids.claim(idsNeeded(group));
  return db.transaction().execute((tx) => admitWith(tx, caps, nextId, group, now, rules));
}

/** Admission inside the caller's transaction (its ids reserved with `idsNeeded` first): read → plan → write. */
export async function admitInTransaction(
  tx: Transaction<Database>,
  caps: Capabilities,
  ids: IdAllocator,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules = NO_SENDING_RULES,
): Promise<StoredAdmission[]> {
  return admitWith(tx, caps, () => ids.take(), group, now, rules);
}

async function admitWith(
  tx: Transaction<Database>,
  caps: Capabilities,
  nextId: () => number,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules,
): Promise<StoredAdmission[]> {
  const reads = await readForAdmission(tx, caps, group, now, rules);
  const plan = planAdmission(group, reads, now, rules, nextId);
  await writeAdmission(tx, caps, plan, now);
  return plan.results;
}

/** Everything the planner needs from the database, read inside the transaction (balances locked). */
async function readForAdmission(
  tx: Transaction<Database>,
  caps: Capabilities,
  group: readonly PreparedAdmission[],
  now: number,
  rules: SendingRules,
): Promise<AdmissionReads> {
  return {
    replays: await findReplays(tx, group),
    blocked: await findBlocked(tx, caps, group),
    sending: await findSending(tx, caps, group, (req) => sendTime(req, now, rules), rules.frequency),
    balances: await lockBalances(tx, caps, [...new Set(group.map((r) => r.appId))]),
  };
}

/** Writes a plan: new reviews and their held counts, batches, messages, final reports, debits. */
async function writeAdmission(
  tx: Transaction<Database>,
  caps: Capabilities,
  plan: AdmissionPlan,
  now: number,
): Promise<void> {
  if (plan.newReviews.length > 0) await tx.insertInto('reviews').values(plan.newReviews).execute();
  for (const [reviewId, count] of plan.heldCounts)
    await tx
      .updateTable('reviews')
      .set((eb) => ({ message_count: eb('message_count', '+', count) }))
      .where('id', '=', reviewId)
      .execute();
  await insertBatches(tx, caps, plan.batches, now);
  await insertRows(tx, caps, 'messages', plan.messages, MESSAGE_ROWS_PER_STATEMENT);
  await recordTallies(tx, admittedTallies(plan.messages));
  await insertRows(tx, caps, 'delivery_reports', plan.reports, MESSAGE_ROWS_PER_STATEMENT);
  for (const [appId, amount] of plan.debits)
    await tx
      .updateTable('apps')
      .set((eb) => ({ balance: eb('balance', '-', amount) }))
      .where('id', '=', appId)
      .execute();
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
    out.set(replayKey(row.app_id, row.client_msg_id ?? ''), JSON.parse(row.response) as AcceptedAnswer);
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

/** Statuses of messages that count against a number's limits: sent, or still to be. */
const COUNTED = sql<boolean>`m.status <> 'BLOCKED' AND m.status IN ('HELD', 'QUEUED', 'SENDING', 'SUBMITTED', 'DELIVERED', 'UNKNOWN')`;
const LIMITED_CATEGORIES = CATEGORIES.filter(subjectToSendingLimits);

/**
 * The counted notices and surveys of the group's numbers around the group's send times, in one
 * query (per 5000 numbers); null when no limit is on or no request is subject to them. The literal
 * `status <> 'BLOCKED'` lets both databases use the partial index of migration 0007.
 */
async function findSending(
  tx: Transaction<Database>,
  caps: Capabilities,
  group: readonly PreparedAdmission[],
  goesAt: (req: PreparedAdmission) => number,
  rules: FrequencyRules,
): Promise<Map<string, SendingEntry[]> | null> {
  if (!frequencyRulesActive(rules)) return null;
  const limited = group.filter((r) => subjectToSendingLimits(r.category) && r.recipients.length > 0);
  if (limited.length === 0) return null;
  let from = Infinity;
  let to = -Infinity;
  for (const req of limited) {
    const range = relevantRange(goesAt(req), rules);
    from = Math.min(from, range.from);
    to = Math.max(to, range.to);
  }
  const mobiles = [...new Set(limited.flatMap((r) => r.recipients.map((x) => x.mobile)))];
  // Without a daily cap only the same content matters: the database leaves out the rest, so a
  // number with many other messages in the window costs no rows here. (No filter on app_id: it
  // would tempt the planner onto messages_app_mobile, which holds the BLOCKED ones too.)
  const onlySame = rules.maxPerNumberPerDay === 0;
  const contents = [...new Set(limited.map((r) => r.content))];
  const room = caps.maxParameters - 16 - (onlySame ? contents.length : 0);
  const out = new Map<string, SendingEntry[]>();
  for (const chunk of chunks(mobiles, Math.max(1, Math.min(room, 5000)))) {
    let query = tx
      .selectFrom('messages as m')
      .innerJoin('batches as b', 'b.id', 'm.batch_id')
      .select(['m.mobile', 'm.app_id', 'm.not_before', 'b.content'])
      .where('m.mobile', 'in', chunk)
      .where('m.not_before', '>=', from)
      .where('m.not_before', '<=', to)
      .where(COUNTED)
      .where('b.category', 'in', LIMITED_CATEGORIES);
    if (onlySame) query = query.where('b.content', 'in', contents);
    const rows = await query.execute();
    for (const row of rows) {
      const list = out.get(row.mobile) ?? [];
      list.push({ appId: row.app_id, content: row.content, at: row.not_before });
      out.set(row.mobile, list);
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
  caps: Capabilities,
  batches: readonly PlannedBatch[],
  now: number,
): Promise<void> {
  if (batches.length === 0) return;
  const rows = batches.map(({ id, req, answer, reviewId }) => ({
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
    review_id: reviewId,
  }));
  await insertRows(tx, caps, 'batches', rows, 500);
}
