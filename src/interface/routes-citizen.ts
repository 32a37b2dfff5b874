/**
 * Tickets for the systems that finish them (§7.3): the card system, or a case-handling system,
 * lists open card-loss and extension tickets and completes them; the citizen's phone gets the
 * result. Only accounts named in `citizen.ticketApps` may; the SSN is never sent, only masked.
 */
import type { FastifyInstance } from 'fastify';
import { maskName, maskSsnText } from '../citizen/people.js';
import { completeAndNotify, type TicketResultDeps } from '../citizen/ticket-results.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { maskMobile } from '../shared/log.js';
import { listTickets, type TicketRecord } from '../store/tickets.js';
import { authenticateApp } from './authenticate.js';
import { fail, result } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import { asBody, required, text } from '../domain/send-request.js';

export interface CitizenRouteDeps {
  credentials: Credentials;
  tickets: TicketResultDeps;
  /** Account names allowed to list and complete tickets. */
  ticketApps: readonly string[];
}

const STATUSES: readonly TicketRecord['status'][] = ['OPEN', 'HANDLING', 'DONE', 'REJECTED'];

export function registerCitizenRoutes(app: FastifyInstance, deps: CitizenRouteDeps): void {
  const iso = (ms: number): string => `${formatBeijing(ms, 'yyyy-MM-ddTHH:mm:ss')}+08:00`;

  app.post('/api/citizen/tickets', async (request) => {
    const body = asBody(request.body);
    const account = await authenticateApp(deps.credentials, request, body);
    if (!deps.ticketApps.includes(account.name))
      return fail('APP', '该账户无权处理受理单 (not a ticket system)');
    const wanted = (text(body, 'status') ?? 'OPEN,HANDLING').split(',').map((s) => s.trim().toUpperCase());
    if (!wanted.every((s) => (STATUSES as readonly string[]).includes(s)))
      return fail('FORMAT', `status 只能是 ${STATUSES.join('、')}`, 'status');
    const kind = text(body, 'kind');
    const tickets = await listTickets(deps.tickets.handle.db, {
      status: wanted as TicketRecord['status'][],
      ...(kind !== undefined && { kind }),
      limit: 500,
    });
    const { cipher } = deps.tickets;
    return result('OK', undefined, {
      tickets: tickets.map((t) => ({
        requestNo: t.requestNo,
        kind: t.kind,
        status: t.status,
        handler: t.handler,
        reference: t.reference,
        mobile: maskMobile(t.mobile),
        name: t.nameEnc === null ? null : maskName(cipher.decrypt(t.nameEnc)),
        ssn: t.ssnEnc === null ? null : maskSsnText(cipher.decrypt(t.ssnEnc)),
        params: t.params,
        createdTime: iso(t.createdAt),
      })),
    });
  });

  app.post('/api/citizen/tickets/complete', async (request) => {
    const body = asBody(request.body);
    const account = await authenticateApp(deps.credentials, request, body, () => {
      required(body, 'requestNo');
      required(body, 'result');
    });
    if (!deps.ticketApps.includes(account.name))
      return fail('APP', '该账户无权处理受理单 (not a ticket system)');
    const outcome = required(body, 'result');
    if (outcome !== 'done' && outcome !== 'rejected')
      return fail('FORMAT', 'result 只能是 done 或 rejected', 'result');
    const note = text(body, 'text') ?? null;
    // The result must fit one SMS with the reply around it (replies.ts budgets 15 characters).
    if (note !== null && note.length > 15) return fail('FORMAT', 'text 至多 15 个字', 'text');
    const done = await completeAndNotify(deps.tickets, required(body, 'requestNo'), {
      result: outcome,
      text: note,
      by: account.name,
    });
    if (!done) return fail('FORMAT', '受理号不存在或已办结 (unknown or already completed)', 'requestNo');
    return result('OK', undefined, { requestNo: done.ticket.requestNo, status: done.ticket.status });
  });
}
