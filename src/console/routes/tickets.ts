/**
 * Card-loss reports and extension tickets for case handlers (§7.3): a filtered list with
 * the citizen masked as stored (phone, name, SSN — never the full number), taking a ticket (assign
 * it to oneself), a preview of the result SMS, and completing it — which queues that SMS to the
 * citizen in the same commit, exactly as the interface's /api/citizen/tickets/complete does
 * (citizen/ticket-results.ts). A ticket completes once. The handler who took a ticket may look up
 * the citizen's full name, SSN and phone to act on it. `ticket.take`, `ticket.identity` and
 * `ticket.complete` are operation entries in the audit log. Requests and answers: contract/tickets.ts.
 */
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  completedAnswer,
  identityAnswer,
  previewAnswer,
  requestNoParams as requestNoContract,
  takenAnswer,
  ticketOutcome,
  ticketsAnswer,
  ticketsQuery,
  type IdentityAnswer,
  type PreviewAnswer,
  type TicketOutcome,
  type TicketsAnswer,
  type TicketsQuery,
  type TicketView,
} from '../contract/tickets.js';
import { maskName, maskSsnText } from '../../citizen/people.js';
import { completeAndNotify, ticketResultText } from '../../citizen/ticket-results.js';
import { maskMobile } from '../../shared/log.js';
import type { ServiceTicketsTable } from '../../store/schema.js';
import {
  findTicket,
  searchTickets,
  takeTicket,
  ticketKinds,
  ticketStatusCounts,
  type TicketRecord,
} from '../../store/tickets.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { parseBeijingBound } from './audit.js';

type TicketStatus = ServiceTicketsTable['status'];
const STATUSES: readonly TicketStatus[] = ['OPEN', 'HANDLING', 'DONE', 'REJECTED'];

/** The result must fit one SMS with the reply around it (replies.ts budgets 15 characters). */
export const RESULT_TEXT_MAX = 15;

const requestNoParams = requestSchema(requestNoContract);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A blank text is no text; longer than one SMS allows is refused. */
function resultText(text: string | undefined): string | null {
  const t = text?.trim() ?? '';
  if (t === '') return null;
  if (Array.from(t).length > RESULT_TEXT_MAX)
    throw consoleError('INVALID', `办理结果至多 ${RESULT_TEXT_MAX} 个字，结果短信须为一条`, {
      field: 'text',
      messageEn: `the result text is at most ${RESULT_TEXT_MAX} characters (one SMS)`,
    });
  return t;
}

export const ticketsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const handle = ctx.allow('ticket.handle');

  const view = (t: TicketRecord): TicketView => {
    const { cipher } = ctx.services().citizens;
    return {
      requestNo: t.requestNo,
      kind: t.kind,
      status: t.status,
      handler: t.handler,
      reference: t.reference,
      assignee: t.assignee,
      mobile: maskMobile(t.mobile),
      name: t.nameEnc === null ? null : maskName(cipher.decrypt(t.nameEnc)),
      ssn: t.ssnEnc === null ? null : maskSsnText(cipher.decrypt(t.ssnEnc)),
      params: t.params,
      result: t.result,
      resultText: t.resultText,
      createdAt: new Date(t.createdAt).toISOString(),
      completedAt: iso(t.completedAt),
    };
  };

  const bound = (text: string | undefined, name: 'from' | 'to'): number | undefined => {
    if (text === undefined || text.trim() === '') return undefined;
    const ms = parseBeijingBound(text, name === 'to');
    if (ms === null)
      throw consoleError('INVALID', `${name}：时间格式应为 YYYY-MM-DD HH:mm:ss（北京时间）`, {
        messageEn: `${name}: expected YYYY-MM-DD HH:mm:ss (Beijing time)`,
      });
    return ms;
  };

  app.get<{ Querystring: TicketsQuery }>(
    '/console/api/tickets',
    {
      preHandler: handle,
      config: { quietAudit: true },
      schema: { querystring: requestSchema(ticketsQuery), response: responseSchema(ticketsAnswer) },
    },
    async (request): Promise<TicketsAnswer> => {
      const q = request.query;
      const status = (q.status ?? '')
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== '');
      const unknown = status.filter((s) => !(STATUSES as readonly string[]).includes(s));
      if (unknown.length > 0)
        throw consoleError('INVALID', `status 只能是 ${STATUSES.join('、')}`, { field: 'status' });
      const { page, pageSize } = q;
      const kind = q.kind?.trim();
      const filter = {
        status: status as TicketStatus[],
        ...(kind !== undefined && kind !== '' && { kind }),
        ...optional('from', bound(q.from, 'from')),
        ...optional('to', bound(q.to, 'to')),
      };
      const [found, counts, kinds] = await Promise.all([
        searchTickets(db, filter, (page - 1) * pageSize, pageSize),
        ticketStatusCounts(db),
        ticketKinds(db),
      ]);
      return {
        total: found.total,
        page,
        pageSize,
        tickets: found.tickets.map(view),
        counts: Object.fromEntries(STATUSES.map((s) => [s, counts.get(s) ?? 0])) as Record<
          TicketStatus,
          number
        >,
        kinds,
      };
    },
  );

  app.post<{ Params: { requestNo: string } }>(
    '/console/api/tickets/:requestNo/take',
    { preHandler: handle, schema: { params: requestNoParams, response: responseSchema(takenAnswer) } },
    async (request) => {
      const { requestNo } = request.params;
      const { username } = ctx.current(request).user;
      const before = await findTicket(db, requestNo);
      if (!before) throw consoleError('TICKET_NOT_FOUND');
      const taken = await takeTicket(db, requestNo, username, ctx.now());
      await ctx.audit(request, {
        kind: 'operation',
        action: 'ticket.take',
        target: `ticket:${requestNo}`,
        result: taken ? 'ok' : 'failed',
        detail: { kind: before.kind, status: before.status, assignee: before.assignee },
      });
      if (!taken) throw consoleError('TICKET_NOT_OPEN', undefined, { status: before.status });
      const after = await findTicket(db, requestNo);
      return { ticket: after && view(after) };
    },
  );

  // The one place a full identity leaves the database: for the handler who took the ticket and
  // is working on it, asked for deliberately (a POST), and each look written to the audit log.
  app.post<{ Params: { requestNo: string } }>(
    '/console/api/tickets/:requestNo/identity',
    { preHandler: handle, schema: { params: requestNoParams, response: responseSchema(identityAnswer) } },
    async (request): Promise<IdentityAnswer> => {
      const { requestNo } = request.params;
      const { username } = ctx.current(request).user;
      const ticket = await findTicket(db, requestNo);
      if (!ticket) throw consoleError('TICKET_NOT_FOUND');
      const allowed = ticket.status === 'HANDLING' && ticket.assignee === username;
      await ctx.audit(request, {
        kind: 'operation',
        action: 'ticket.identity',
        target: `ticket:${requestNo}`,
        result: allowed ? 'ok' : 'denied',
        detail: { status: ticket.status, assignee: ticket.assignee },
      });
      if (!allowed) throw consoleError('TICKET_NOT_YOURS');
      const { cipher } = ctx.services().citizens;
      return {
        requestNo,
        mobile: ticket.mobile,
        name: ticket.nameEnc === null ? null : cipher.decrypt(ticket.nameEnc),
        ssn: ticket.ssnEnc === null ? null : cipher.decrypt(ticket.ssnEnc),
      };
    },
  );

  app.get<{ Params: { requestNo: string }; Querystring: TicketOutcome }>(
    '/console/api/tickets/:requestNo/preview',
    {
      preHandler: handle,
      config: { quietAudit: true },
      schema: {
        params: requestNoParams,
        querystring: requestSchema(ticketOutcome),
        response: responseSchema(previewAnswer),
      },
    },
    async (request): Promise<PreviewAnswer> => {
      const ticket = await findTicket(db, request.params.requestNo);
      if (!ticket) throw consoleError('TICKET_NOT_FOUND');
      const { citizens } = ctx.services();
      const text = ticketResultText(await citizens.texts.current(), ticket, citizens.cipher, {
        result: request.query.result,
        text: resultText(request.query.text),
      });
      return { mobile: maskMobile(ticket.mobile), text: citizens.tickets.signature + text };
    },
  );

  app.post<{ Params: { requestNo: string }; Body: TicketOutcome }>(
    '/console/api/tickets/:requestNo/complete',
    {
      preHandler: handle,
      schema: {
        params: requestNoParams,
        body: requestSchema(ticketOutcome),
        response: responseSchema(completedAnswer),
      },
    },
    async (request) => {
      const { requestNo } = request.params;
      const { result } = request.body;
      const text = resultText(request.body.text);
      const services = ctx.services();
      const { username } = ctx.current(request).user;
      const done = await completeAndNotify(services.citizens.tickets, requestNo, {
        result,
        text,
        by: username,
      });
      await ctx.audit(request, {
        kind: 'operation',
        action: 'ticket.complete',
        target: `ticket:${requestNo}`,
        result: done ? 'ok' : 'failed',
        detail: { result, text, messageId: done?.messageId ?? null },
      });
      if (!done) {
        const ticket = await findTicket(db, requestNo);
        if (!ticket) throw consoleError('TICKET_NOT_FOUND');
        throw consoleError('TICKET_COMPLETED', undefined, { status: ticket.status });
      }
      services.wakeDispatcher();
      return { ticket: view(done.ticket), messageId: done.messageId };
    },
  );
};

/** `{ [key]: value }` when there is a value (exactOptionalPropertyTypes forbids `key: undefined`). */
function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
