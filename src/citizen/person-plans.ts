/**
 * Plans of the commands about a bound person (§7.2, §7.3): CBXX, YLZHYE, LSGS and the province's
 * extensions (queries and tickets), each finding the person by name, SSN or its last four.
 */
import { isBackendUnavailable, type PersonSummary } from '../backend/types.js';
import { bindingsOf, resubscribe } from '../store/citizens.js';
import { createTicket, requestNumber, unfinishedTicketOf } from '../store/tickets.js';
import { abbreviateInsurances, canonicalOrSelf, formatYuanText, maskName, maskSsnText } from './people.js';
import { helpPlan, openBinding, reply, who, type Plan, type PlanDeps } from './plan.js';
import { renderReply, type ReplyKey } from './replies.js';

/** The bound person a CBXX/YLZHYE/LSGS (or extension) means: by name, SSN or its last four. */
export async function resolvePerson(
  deps: PlanDeps,
  mobile: string,
  command: string,
  query: string | null,
): Promise<
  { person: { ssn: string; name: string; ssnHash: string }; othersBound?: number } | { plan: Plan }
> {
  const bindings = await bindingsOf(deps.handle.db, mobile);
  if (bindings.length === 0) return { plan: { command, outcome: 'not-bound', replies: [reply('notBound')] } };
  const people = bindings.map((b) => ({ ...openBinding(deps, b), ssnHash: b.ssnHash }));
  // §6.3.1 d: no parameter means oneself — the phone's owner (bindingsOf lists the owner first).
  if (query === null) {
    const owner = people[0];
    if (owner) return { person: owner, othersBound: people.length - 1 };
  }
  if (query === null) return { plan: { command, outcome: 'not-bound', replies: [reply('notBound')] } };
  const q = query.trim().toUpperCase();
  const matches = /^\d{3}[\dX]$/.test(q)
    ? people.filter((p) => p.ssn.endsWith(q))
    : /^\d{14}[\dX]$|^\d{17}[\dX]$/.test(q)
      ? people.filter((p) => p.ssn === canonicalOrSelf(q, deps.now()))
      : people.filter((p) => p.name === query.trim());
  if (matches.length === 1 && matches[0]) return { person: matches[0] };
  const key: ReplyKey = matches.length === 0 ? 'nameNone' : 'nameMany';
  return {
    plan: {
      command,
      outcome: matches.length === 0 ? 'name-none' : 'name-many',
      // What the citizen typed may be a whole name: the reply (kept in the outbox) shows it masked.
      replies: [reply(key, { query: /^\d{3}[\dX]$/.test(q) ? q : maskName(query), count: matches.length })],
    },
  };
}

export async function personPlan(
  deps: PlanDeps,
  mobile: string,
  command: 'CBXX' | 'YLZHYE' | 'LSGS',
  query: string | null,
): Promise<Plan> {
  const resolved = await resolvePerson(deps, mobile, command, query);
  if ('plan' in resolved) return resolved.plan;
  const plan = await answerFor(deps, mobile, command, resolved.person);
  // Answered for the owner: the others on this phone are told how to ask for themselves.
  if (resolved.othersBound)
    plan.replies.push(reply('othersBound', { count: resolved.othersBound, command, example: '姓名' }));
  return plan;
}

async function answerFor(
  deps: PlanDeps,
  mobile: string,
  command: 'CBXX' | 'YLZHYE' | 'LSGS',
  person: { ssn: string; name: string; ssnHash: string },
): Promise<Plan> {
  if (command === 'LSGS') return cardLossPlan(deps, mobile, person);
  const summary: PersonSummary | null = await deps.backend.findPerson(person.ssn);
  if (!summary)
    return {
      command,
      outcome: 'no-person',
      replies: [reply('noPerson', { ssn: maskSsnText(person.ssn) })],
    };
  if (command === 'CBXX') {
    if (summary.insurances.length === 0)
      return { command, outcome: 'none', replies: [reply('insuranceNone', who(person))] };
    return {
      command,
      outcome: 'answered',
      replies: [reply('insurance', { ...who(person), insurances: abbreviateInsurances(summary.insurances) })],
    };
  }
  if (!summary.pension) return { command, outcome: 'none', replies: [reply('pensionNone', who(person))] };
  return {
    command,
    outcome: 'answered',
    replies: [
      reply('pension', {
        ...who(person),
        balance: formatYuanText(summary.pension.balanceCents),
        asOf: summary.pension.asOf,
      }),
    ],
  };
}

/**
 * §7.3: the citizen gets a request number at once; the card system takes it when the backend has
 * one (its reference kept), else staff do. A card system that cannot be reached leaves the ticket
 * to staff: the report is never lost.
 */
export async function cardLossPlan(
  deps: PlanDeps,
  mobile: string,
  person: { ssn: string; name: string; ssnHash: string },
): Promise<Plan> {
  const open = await unfinishedTicketOf(deps.handle.db, 'card-loss', person.ssnHash);
  if (open)
    return {
      command: 'LSGS',
      outcome: 'ticket-open',
      replies: [reply('cardLossOpen', { name: maskName(person.name), requestNo: open.requestNo })],
    };
  const id = await deps.ids.nextId();
  const requestNo = requestNumber('card-loss', id);
  let reference: string | null = null;
  try {
    reference =
      (await deps.backend.reportCardLoss({ ssn: person.ssn, requestNo, mobile }))?.reference ?? null;
  } catch (err) {
    if (!isBackendUnavailable(err)) throw err;
    deps.logger.warn(
      { err, requestNo },
      '卡管系统不可用，挂失转人工 card system unavailable; the ticket goes to staff',
    );
  }
  const now = deps.now();
  return {
    command: 'LSGS',
    outcome: reference === null ? 'ticket-staff' : 'ticket-card-system',
    replies: [reply('cardLossAccepted', { name: maskName(person.name), requestNo })],
    effect: async (tx) => {
      await createTicket(
        tx,
        {
          id,
          kind: 'card-loss',
          mobile,
          ssnHash: person.ssnHash,
          ssnEnc: deps.cipher.encrypt(person.ssn),
          nameEnc: deps.cipher.encrypt(person.name),
          params: {},
          handler: reference === null ? 'staff' : 'card-system',
          reference,
        },
        now,
      );
    },
  };
}

export async function extensionPlan(
  deps: PlanDeps,
  mobile: string,
  code: string,
  params: Record<string, string>,
): Promise<Plan> {
  const def = deps.settings.extensions.find((e) => e.code.toUpperCase() === code.toUpperCase());
  if (!def) return helpPlan(deps, code);
  const handler = def.handler;
  const now = deps.now();
  if (handler.kind === 'resubscribe')
    return {
      command: def.code,
      outcome: 'resubscribed',
      replies: [reply('resubscribed')],
      effect: async (tx) => {
        await resubscribe(tx, mobile);
      },
    };
  let person: { ssn: string; name: string; ssnHash: string } | null = null;
  if (handler.needsBinding) {
    const resolved = await resolvePerson(deps, mobile, def.code, params.name ?? null);
    if ('plan' in resolved) return resolved.plan;
    person = resolved.person;
  }
  if (handler.kind === 'query') {
    const fields = await deps.backend.query(handler.operation, {
      ...params,
      mobile,
      ...(person && { ssn: person.ssn }),
    });
    if (!fields)
      return {
        command: def.code,
        outcome: 'no-record',
        replies: [reply('noPerson', { ssn: person ? maskSsnText(person.ssn) : '' })],
      };
    const text = renderReply(handler.reply, { ...fields, ...(person && who(person)) });
    return { command: def.code, outcome: 'answered', replies: [{ literal: text }] };
  }
  const id = await deps.ids.nextId();
  const requestNo = requestNumber(handler.ticketKind, id);
  return {
    command: def.code,
    outcome: 'ticket-staff',
    replies: [reply('ticketAccepted', { requestNo })],
    effect: async (tx) => {
      await createTicket(
        tx,
        {
          id,
          kind: handler.ticketKind,
          mobile,
          ssnHash: person?.ssnHash ?? null,
          ssnEnc: person ? deps.cipher.encrypt(person.ssn) : null,
          nameEnc: person ? deps.cipher.encrypt(person.name) : null,
          // The person's name is sealed above; the parameters are kept as staff see them.
          params: params.name === undefined ? params : { ...params, name: maskName(params.name) },
          handler: 'staff',
          reference: null,
        },
        now,
      );
    },
  };
}
