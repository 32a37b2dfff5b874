/**
 * The console's message search: messages newest first with their batch's text and
 * business system, filtered by phone, batch, id, app, status, carrier and creation time; one
 * message's parts and delivery report. Keyset pages on (created_at, id) — migration 0012; a
 * failed status or a carrier through indexes of their own — migration 0071.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { sendKeyRange } from './console-send.js';
import { SEARCH_INDEXED_STATUSES } from './migrations/0071-search-indexes.js';
import type { Database, MessagesTable } from './schema.js';

export interface MessageFilter {
  mobile?: string | undefined;
  batchId?: number | undefined;
  msgId?: number | undefined;
  appId?: number | undefined;
  status?: string | undefined;
  carrier?: string | undefined;
  /** The sending account's province (the ministry platform's province accounts, docs/federation.md). */
  province?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** The batches of one console send (its app and key). */
  task?: { appId: number; key: string } | undefined;
}

/** Position after which the next page starts (exclusive): newest first by creation time, then id. */
export interface MessageCursor {
  createdAt: number;
  id: number;
}

export interface MessageRow {
  id: number;
  batchId: number;
  appId: number;
  appName: string | null;
  mobile: string;
  carrier: string;
  signature: string;
  content: string;
  status: string;
  stat: string | null;
  error: string | null;
  segments: number;
  charged: number;
  createdAt: number;
  submittedAt: number | null;
  doneAt: number | null;
  gatewayId: string | null;
}

export interface MessagePartRow {
  partNo: number;
  total: number;
  gatewayId: string;
  carrierMsgId: string;
  status: string;
  stat: string | null;
  submittedAt: number;
  doneAt: number | null;
}

export interface DeliveryReportRow {
  id: number;
  status: string;
  stat: string | null;
  doneAt: number;
  createdAt: number;
  /** Whether the business system has fetched or been pushed it (it has a feed sequence). */
  sequenced: boolean;
}

type WithM = Database & { m: MessagesTable };

function conditions(eb: ExpressionBuilder<WithM, 'm'>, filter: MessageFilter): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (filter.mobile !== undefined) out.push(eb('m.mobile', '=', filter.mobile));
  if (filter.batchId !== undefined) out.push(eb('m.batch_id', '=', filter.batchId));
  if (filter.msgId !== undefined) out.push(eb('m.id', '=', filter.msgId));
  if (filter.appId !== undefined) out.push(eb('m.app_id', '=', filter.appId));
  if (filter.status !== undefined)
    // A literal for the statuses with a partial index (migration 0071): SQLite uses one only then.
    out.push(
      eb(
        'm.status',
        '=',
        (SEARCH_INDEXED_STATUSES as readonly string[]).includes(filter.status)
          ? sql.lit(filter.status)
          : filter.status,
      ),
    );
  if (filter.carrier !== undefined) out.push(eb('m.carrier', '=', filter.carrier));
  if (filter.province !== undefined)
    out.push(
      eb(
        'm.app_id',
        'in',
        eb.selectFrom('apps').select('apps.id').where('apps.province', '=', filter.province),
      ),
    );
  if (filter.from !== undefined) out.push(eb('m.created_at', '>=', filter.from));
  if (filter.to !== undefined) out.push(eb('m.created_at', '<', filter.to));
  if (filter.task !== undefined) {
    const { appId } = filter.task;
    const range = sendKeyRange(filter.task.key);
    out.push(
      eb(
        'm.batch_id',
        'in',
        eb
          .selectFrom('batches')
          .select('batches.id')
          .where('batches.app_id', '=', appId)
          .where('batches.client_msg_id', '>=', range.from)
          .where('batches.client_msg_id', '<', range.to),
      ),
    );
  }
  return out;
}

export async function searchMessages(
  db: Kysely<Database>,
  filter: MessageFilter,
  after: MessageCursor | null,
  limit: number,
): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('messages as m')
    .where((eb) => {
      const where = conditions(eb, filter);
      if (after) {
        const { createdAt, id } = after;
        where.push(
          eb.or([
            eb('m.created_at', '<', createdAt),
            eb.and([eb('m.created_at', '=', createdAt), eb('m.id', '<', id)]),
          ]),
        );
      }
      return eb.and(where);
    })
    .innerJoin('batches as b', 'b.id', 'm.batch_id')
    .leftJoin('apps as a', 'a.id', 'm.app_id')
    .select([
      'm.id',
      'm.batch_id',
      'm.app_id',
      'a.name as app_name',
      'm.mobile',
      'm.carrier',
      'b.signature',
      'b.content',
      'm.status',
      'm.stat',
      'm.error',
      'm.segments',
      'm.charged',
      'm.created_at',
      'm.submitted_at',
      'm.done_at',
      'm.gateway_id',
    ])
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    batchId: r.batch_id,
    appId: r.app_id,
    appName: r.app_name,
    mobile: r.mobile,
    carrier: r.carrier,
    signature: r.signature,
    content: r.content,
    status: r.status,
    stat: r.stat,
    error: r.error,
    segments: r.segments,
    charged: r.charged,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    doneAt: r.done_at,
    gatewayId: r.gateway_id,
  }));
}

/** How many messages match (for an export's progress). */
export async function countMessages(db: Kysely<Database>, filter: MessageFilter): Promise<number> {
  const row = await db
    .selectFrom('messages as m')
    .where((eb) => eb.and(conditions(eb, filter)))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * How many messages match, counting no further than `cap` (answers `cap + 1` beyond it), so a
 * search over a busy year stays cheap: the page says "more than cap".
 */
export async function countMessagesUpTo(
  db: Kysely<Database>,
  filter: MessageFilter,
  cap: number,
): Promise<number> {
  const row = await db
    .selectFrom(
      db
        .selectFrom('messages as m')
        .where((eb) => eb.and(conditions(eb, filter)))
        .select('m.id')
        .limit(cap + 1)
        .as('hits'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The whole number of one message, for an audited unmask. */
export async function messageMobile(db: Kysely<Database>, id: number): Promise<string | null> {
  const row = await db.selectFrom('messages').select('mobile').where('id', '=', id).executeTakeFirst();
  return row?.mobile ?? null;
}

export async function messageParts(db: Kysely<Database>, id: number): Promise<MessagePartRow[]> {
  const rows = await db
    .selectFrom('message_parts')
    .selectAll()
    .where('message_id', '=', id)
    .orderBy('part_no')
    .execute();
  return rows.map((r) => ({
    partNo: r.part_no,
    total: r.total,
    gatewayId: r.gateway_id,
    carrierMsgId: r.carrier_msg_id,
    status: r.status,
    stat: r.stat,
    submittedAt: r.submitted_at,
    doneAt: r.done_at,
  }));
}

export async function messageReport(db: Kysely<Database>, id: number): Promise<DeliveryReportRow | null> {
  const row = await db
    .selectFrom('delivery_reports')
    .select(['id', 'status', 'stat', 'done_at', 'created_at', 'seq'])
    .where('message_id', '=', id)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    stat: row.stat,
    doneAt: row.done_at,
    createdAt: row.created_at,
    sequenced: row.seq !== null,
  };
}
