/**
 * Tickets: work a citizen's command starts and someone finishes later — a card-loss report (§7.3)
 * for the card system or for staff, or a province extension's request. Completing one returns what
 * the result message needs; it can be completed once.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, ServiceTicketsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface TicketRecord {
  id: number;
  requestNo: string;
  kind: string;
  mobile: string;
  ssnHash: string | null;
  ssnEnc: string | null;
  nameEnc: string | null;
  params: Record<string, string>;
  status: ServiceTicketsTable['status'];
  handler: ServiceTicketsTable['handler'];
  reference: string | null;
  assignee: string | null;
  result: ServiceTicketsTable['result'];
  resultText: string | null;
  createdAt: number;
  completedAt: number | null;
}

const toRecord = (r: ServiceTicketsTable): TicketRecord => ({
  id: r.id,
  requestNo: r.request_no,
  kind: r.kind,
  mobile: r.mobile,
  ssnHash: r.ssn_hash,
  ssnEnc: r.ssn_enc,
  nameEnc: r.name_enc,
  params: JSON.parse(r.params) as Record<string, string>,
  status: r.status,
  handler: r.handler,
  reference: r.reference,
  assignee: r.assignee,
  result: r.result,
  resultText: r.result_text,
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

/** Request numbers are the ticket's id with a prefix per kind: unique, short enough to type back. */
export const requestNumber = (kind: string, id: number): string =>
  `${kind === 'card-loss' ? 'GS' : 'SQ'}${String(id).padStart(8, '0')}`;

export async function createTicket(
  tx: Db,
  t: Pick<
    TicketRecord,
    'id' | 'kind' | 'mobile' | 'ssnHash' | 'ssnEnc' | 'nameEnc' | 'params' | 'handler' | 'reference'
  >,
  now: number,
): Promise<TicketRecord> {
  const row: ServiceTicketsTable = {
    id: t.id,
    request_no: requestNumber(t.kind, t.id),
    kind: t.kind,
    mobile: t.mobile,
    ssn_hash: t.ssnHash,
    ssn_enc: t.ssnEnc,
    name_enc: t.nameEnc,
    params: JSON.stringify(t.params),
    status: t.handler === 'card-system' ? 'HANDLING' : 'OPEN',
    handler: t.handler,
    reference: t.reference,
    assignee: null,
    result: null,
    result_text: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await tx.insertInto('service_tickets').values(row).execute();
  return toRecord(row);
}

export async function listTickets(
  db: Db,
  filter: { status?: ServiceTicketsTable['status'][]; kind?: string; limit?: number } = {},
): Promise<TicketRecord[]> {
  let q = db
    .selectFrom('service_tickets')
    .selectAll()
    .orderBy('id')
    .limit(filter.limit ?? 100);
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  return (await q.execute()).map(toRecord);
}

export async function findTicket(db: Db, requestNo: string): Promise<TicketRecord | null> {
  const row = await db
    .selectFrom('service_tickets')
    .selectAll()
    .where('request_no', '=', requestNo)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** The person's unfinished ticket of this kind, if any: a second report answers with it. */
export async function unfinishedTicketOf(
  db: Db,
  kind: string,
  ssnHash: string,
): Promise<TicketRecord | null> {
  const row = await db
    .selectFrom('service_tickets')
    .selectAll()
    .where('kind', '=', kind)
    .where('ssn_hash', '=', ssnHash)
    .where('status', 'in', ['OPEN', 'HANDLING'])
    .orderBy('id')
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A staff member takes an open ticket. False when it is not open any more. */
export async function takeTicket(db: Db, requestNo: string, assignee: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('service_tickets')
    .set({ status: 'HANDLING', assignee, updated_at: now })
    .where('request_no', '=', requestNo)
    .where('status', '=', 'OPEN')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Completes a ticket once; null when it does not exist or is already finished. */
export async function completeTicket(
  tx: Db,
  requestNo: string,
  outcome: { result: 'done' | 'rejected'; resultText: string | null; by: string },
  now: number,
): Promise<TicketRecord | null> {
  const result = await tx
    .updateTable('service_tickets')
    .set({
      status: outcome.result === 'done' ? 'DONE' : 'REJECTED',
      result: outcome.result,
      result_text: outcome.resultText,
      assignee: outcome.by,
      updated_at: now,
      completed_at: now,
    })
    .where('request_no', '=', requestNo)
    .where('status', 'in', ['OPEN', 'HANDLING'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  return findTicket(tx, requestNo);
}

/** What the console's ticket list filters by; times are epoch ms, `to` exclusive. */
export interface TicketFilter {
  status?: ServiceTicketsTable['status'][];
  kind?: string;
  from?: number;
  to?: number;
}

function filtered(db: Db, filter: TicketFilter) {
  let q = db.selectFrom('service_tickets');
  if (filter.status && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
  return q;
}

/** A page of tickets, oldest first (the queue a case handler works through), and the total. */
export async function searchTickets(
  db: Db,
  filter: TicketFilter,
  offset: number,
  limit: number,
): Promise<{ total: number; tickets: TicketRecord[] }> {
  const count = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const rows = await filtered(db, filter).selectAll().orderBy('id').offset(offset).limit(limit).execute();
  return { total: Number(count?.n ?? 0), tickets: rows.map(toRecord) };
}

/** Tickets per status (the console's tab badges). */
export async function ticketStatusCounts(db: Db): Promise<Map<ServiceTicketsTable['status'], number>> {
  const rows = await db
    .selectFrom('service_tickets')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** The kinds of ticket there are (card-loss and the extensions' kinds), for the filter. */
export async function ticketKinds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('service_tickets').select('kind').distinct().orderBy('kind').execute();
  return rows.map((r) => r.kind);
}
