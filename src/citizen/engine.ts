/**
 * The command engine (§6.3, DESIGN §5 Commands): one citizen's uplink in, its effect and its
 * answers out. Business-backend calls and password checks happen first, outside any transaction;
 * then the effect (binding, TD, ticket), the reply messages, the request record and the uplink's
 * "handled" mark commit together, so a reply is sent exactly for what happened.
 */
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import { isBackendUnavailable, type BusinessBackend, type PersonSummary } from '../backend/types.js';
import { formatBeijing } from '../domain/beijing-time.js';
import type { Router } from '../pipeline/router.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import {
  bind,
  bindingsOf,
  clearFailures,
  lockedUntil,
  markHandled,
  recordFailure,
  recordRequest,
  resubscribe,
  unbind,
  unbindAll,
  unsubscribe,
  type BindingRow,
  type FailurePolicy,
  type PendingCommand,
} from '../store/citizens.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { createTicket, requestNumber } from '../store/tickets.js';
import type { Config } from '../config/schema.js';
import { idsForOwnMessages, sendOwnMessages, type OutgoingText } from './outgoing.js';
import { renderReply, type ReplyKey } from './replies.js';
import type { ReplyTexts } from './reply-texts.js';
import type { SurveyResponder } from './survey-hook.js';
import {
  parseCommand,
  type Command as CitizenCommand,
  type ExtensionDefinition,
} from '../domain/commands/index.js';
import {
  abbreviateInsurances,
  canonicalOrSelf,
  checkNewPassword,
  formatYuanText,
  maskName,
  maskSsnText,
  validSsn,
} from './people.js';

export interface EngineDeps {
  handle: DatabaseHandle;
  ids: IdAllocator;
  router: Router;
  backend: BusinessBackend;
  cipher: PersonalDataCipher;
  texts: ReplyTexts;
  /** Survey answers are matched before commands (§7.4). */
  surveys?: SurveyResponder;
  settings: Config['citizen'];
  logger: Logger;
  now: () => number;
}

/** One answer: a reply text by key, or an extension's own rendered text; to the sender unless `to` names a phone. */
type PlannedReply = { to?: string } & (
  { key: ReplyKey; values: Record<string, string | number> } | { literal: string }
);

/** What handling a command decided, before it is committed. */
interface Plan {
  command: string;
  outcome: string;
  /** Read after `effect` ran: the effect may find, say, that the binding already existed. */
  replies: PlannedReply[];
  /** The command's effect, run inside the commit. */
  effect?: (tx: Transaction<Database>) => Promise<void>;
}

/** A command's answers never exceed this (BD: the new phone and the one the binding left). */
const MAX_REPLIES = 2;

const reply = (key: ReplyKey, values: Record<string, string | number> = {}): PlannedReply => ({
  key,
  values,
});

/** The masked identity every reply about a person shows. */
const who = (person: { name: string; ssn: string }): { name: string; ssn: string } => ({
  name: maskName(person.name),
  ssn: maskSsnText(person.ssn),
});

export class CommandEngine {
  private readonly ssnPolicy: FailurePolicy;
  private readonly mobilePolicy: FailurePolicy;
  private readonly extensions: ExtensionDefinition[];

  constructor(private readonly deps: EngineDeps) {
    const windowMs = deps.settings.failureWindowHours * 3_600_000;
    const lockMs = deps.settings.lockHours * 3_600_000;
    this.ssnPolicy = { limit: deps.settings.ssnFailureLimit, windowMs, lockMs };
    this.mobilePolicy = { limit: deps.settings.mobileFailureLimit, windowMs, lockMs };
    this.extensions = deps.settings.extensions.map((e) => ({ code: e.code, params: e.params }));
  }

  /** Handles one uplink; false when another process had already answered it. */
  async handle(cmd: PendingCommand): Promise<boolean> {
    const { deps } = this;
    const original = cmd.secretEnc === null ? cmd.text : deps.cipher.decrypt(cmd.secretEnc);
    const parsed = parseCommand(original, this.extensions);
    let plan: Plan;
    try {
      const survey = await deps.surveys?.match({
        uplinkId: cmd.uplinkId,
        mobile: cmd.mobile,
        ext: cmd.ext,
        text: cmd.text,
        receivedAt: cmd.receivedAt,
        isCommand: parsed.kind !== 'unknown',
      });
      plan = survey
        ? {
            command: 'SURVEY',
            outcome: survey.outcome,
            replies: survey.replies.map((literal) => ({ literal })),
            ...(survey.effect && { effect: survey.effect }),
          }
        : await this.plan(cmd, parsed);
    } catch (err) {
      if (!isBackendUnavailable(err)) throw err;
      deps.logger.warn({ err, command: parsed.kind }, '业务系统不可用 business backend unavailable');
      plan = { command: commandName(parsed), outcome: 'backend-down', replies: [reply('backendDown')] };
    }
    return this.commit(cmd, plan);
  }

  /** A command that failed again and again: the citizen is asked to try later, the request recorded. */
  async giveUp(cmd: PendingCommand): Promise<boolean> {
    return this.commit(cmd, { command: 'UNKNOWN', outcome: 'error', replies: [reply('backendDown')] });
  }

  private async commit(cmd: PendingCommand, plan: Plan): Promise<boolean> {
    const { deps } = this;
    const now = deps.now();
    const texts = await deps.texts.current();
    await deps.ids.reserve(1 + idsForOwnMessages(MAX_REPLIES));
    return deps.handle.db.transaction().execute(async (tx) => {
      // The mark first: a second process handling the same uplink stops here and rolls back.
      if (!(await markHandled(tx, cmd.uplinkId, now))) return false;
      await plan.effect?.(tx);
      const outgoing: OutgoingText[] = plan.replies.slice(0, MAX_REPLIES).map((r) => ({
        mobile: r.to ?? cmd.mobile,
        text: 'literal' in r ? r.literal : renderReply(texts[r.key], r.values),
        category: 'reply',
        srcExt: r.to === undefined ? cmd.ext : '',
      }));
      const messageIds = await sendOwnMessages(
        tx,
        deps.handle.caps,
        deps.ids,
        deps.router,
        deps.settings.signature,
        outgoing,
        now,
      );
      const first = plan.replies[0];
      await recordRequest(
        tx,
        {
          id: deps.ids.take(),
          uplinkId: cmd.uplinkId,
          mobile: cmd.mobile,
          command: plan.command,
          textMasked: cmd.text,
          outcome: plan.outcome,
          replyKey: first === undefined ? null : 'key' in first ? first.key : 'extension',
          replyMessageId: messageIds[0] ?? null,
        },
        now,
      );
      return true;
    });
  }

  private async plan(cmd: PendingCommand, c: CitizenCommand): Promise<Plan> {
    const name = commandName(c);
    const mobile = cmd.mobile;
    const now = this.deps.now();
    switch (c.kind) {
      case 'unknown':
        return { command: name, outcome: 'help', replies: [reply('help')] };
      case 'malformed':
        return { command: name, outcome: 'malformed', replies: [reply('malformed', { usage: c.usage })] };
      case 'TD':
        return {
          command: name,
          outcome: 'unsubscribed',
          replies: [reply('unsubscribed')],
          effect: (tx) => unsubscribe(tx, mobile, 'TD', now),
        };
      case 'QXFW':
        return {
          command: name,
          outcome: 'cancelled',
          replies: [reply('serviceCancelled')],
          effect: async (tx) => {
            await unbindAll(tx, mobile);
            await unsubscribe(tx, mobile, 'QXFW', now);
          },
        };
      case 'BD':
        return this.bindPlan(mobile, c.ssn, c.password, now);
      case 'QXBD':
        return this.unbindPlan(mobile, c.ssn);
      case 'MMCZ':
        return this.changePasswordPlan(mobile, c.oldPassword, c.newPassword, now);
      case 'CBXX':
      case 'YLZHYE':
      case 'LSGS':
        return this.personPlan(mobile, c.kind, c.name);
      case 'extension':
        return this.extensionPlan(mobile, c.code, c.params);
    }
  }

  /** A locked SSN or phone answers with the time the lock ends. */
  private async lockReply(mobile: string, ssnHash: string | null, now: number): Promise<PlannedReply | null> {
    const db = this.deps.handle.db;
    const until =
      (ssnHash === null ? null : await lockedUntil(db, 'ssn', ssnHash, now)) ??
      (await lockedUntil(db, 'mobile', mobile, now));
    return until === null ? null : reply('locked', { until: formatBeijing(until, 'MM月dd日HH:mm') });
  }

  /**
   * A wrong password counts against the SSN (when there is one) and the phone; the reply says how
   * many tries are left, or until when it is locked.
   */
  private failurePlan(
    command: string,
    mobile: string,
    ssnHash: string | null,
    wrongKey: ReplyKey,
    now: number,
  ): Plan {
    let answer: PlannedReply = reply(wrongKey, { left: 0 });
    return {
      command,
      outcome: 'wrong-password',
      get replies() {
        return [answer];
      },
      effect: async (tx) => {
        const byPhone = await recordFailure(tx, 'mobile', mobile, this.mobilePolicy, now);
        const bySsn = ssnHash === null ? null : await recordFailure(tx, 'ssn', ssnHash, this.ssnPolicy, now);
        const until = bySsn?.lockedUntil ?? byPhone.lockedUntil;
        const left = Math.min(byPhone.left, bySsn?.left ?? Infinity);
        answer =
          until !== null
            ? reply('locked', { until: formatBeijing(until, 'MM月dd日HH:mm') })
            : reply(wrongKey, { left });
      },
    };
  }

  private async bindPlan(mobile: string, rawSsn: string, password: string, now: number): Promise<Plan> {
    const { backend, cipher } = this.deps;
    const checked = validSsn(rawSsn, now);
    if (!checked.ok)
      return {
        command: 'BD',
        outcome: 'ssn-invalid',
        replies: [reply('ssnInvalid', { ssn: maskSsnText(rawSsn), reason: checked.reason })],
      };
    const ssn = checked.ssn;
    const ssnHash = cipher.lookupHash(ssn);
    const locked = await this.lockReply(mobile, ssnHash, now);
    if (locked) return { command: 'BD', outcome: 'locked', replies: [locked] };
    const verdict = await backend.verifyServicePassword(ssn, password);
    if (verdict === 'no-person')
      return { command: 'BD', outcome: 'no-person', replies: [reply('noPerson', { ssn: maskSsnText(ssn) })] };
    if (verdict === 'wrong') return this.failurePlan('BD', mobile, ssnHash, 'wrongPassword', now);
    const person = await backend.findPerson(ssn);
    if (!person)
      return { command: 'BD', outcome: 'no-person', replies: [reply('noPerson', { ssn: maskSsnText(ssn) })] };
    const id = await this.deps.ids.nextId();
    const plan: Plan = { command: 'BD', outcome: 'bound', replies: [reply('bound', who(person))] };
    plan.effect = async (tx) => {
      const result = await bind(
        tx,
        { id, mobile, ssnHash, ssnEnc: cipher.encrypt(ssn), nameEnc: cipher.encrypt(person.name) },
        now,
      );
      await clearFailures(tx, 'ssn', ssnHash);
      await clearFailures(tx, 'mobile', mobile);
      // Table 1: a later BD turns notices back on.
      await resubscribe(tx, mobile);
      if (result.already) {
        plan.outcome = 'already-bound';
        plan.replies = [reply('alreadyBound', who(person))];
      } else if (result.previousMobile !== null) {
        plan.outcome = 'moved';
        plan.replies.push({
          to: result.previousMobile,
          key: 'movedAway',
          values: { ...who(person), tail: mobile.slice(-4) },
        });
      }
    };
    return plan;
  }

  private async unbindPlan(mobile: string, rawSsn: string | null): Promise<Plan> {
    const { cipher } = this.deps;
    const bindings = await bindingsOf(this.deps.handle.db, mobile);
    if (bindings.length === 0) return { command: 'QXBD', outcome: 'not-bound', replies: [reply('notBound')] };
    let target: BindingRow | undefined;
    if (rawSsn === null) {
      if (bindings.length > 1)
        return {
          command: 'QXBD',
          outcome: 'which',
          replies: [reply('unbindWhich', { count: bindings.length })],
        };
      target = bindings[0];
    } else {
      const checked = validSsn(rawSsn, this.deps.now());
      const hash = cipher.lookupHash(checked.ok ? checked.ssn : rawSsn);
      target = bindings.find((b) => b.ssnHash === hash);
      if (!target)
        return {
          command: 'QXBD',
          outcome: 'not-found',
          replies: [reply('unbindNotFound', { ssn: maskSsnText(rawSsn) })],
        };
    }
    if (!target) return { command: 'QXBD', outcome: 'not-bound', replies: [reply('notBound')] };
    const person = this.open(target);
    const ssnHash = target.ssnHash;
    return {
      command: 'QXBD',
      outcome: 'unbound',
      replies: [reply('unbound', who(person))],
      effect: async (tx) => {
        await unbind(tx, mobile, ssnHash);
      },
    };
  }

  private async changePasswordPlan(
    mobile: string,
    oldPassword: string,
    newPassword: string,
    now: number,
  ): Promise<Plan> {
    const { backend } = this.deps;
    const bindings = await bindingsOf(this.deps.handle.db, mobile);
    if (bindings.length === 0) return { command: 'MMCZ', outcome: 'not-bound', replies: [reply('notBound')] };
    const only = bindings.length === 1 ? (bindings[0]?.ssnHash ?? null) : null;
    const locked = await this.lockReply(mobile, only, now);
    if (locked) return { command: 'MMCZ', outcome: 'locked', replies: [locked] };
    for (const binding of bindings) {
      if ((await lockedUntil(this.deps.handle.db, 'ssn', binding.ssnHash, now)) !== null) continue;
      const person = this.open(binding);
      if ((await backend.verifyServicePassword(person.ssn, oldPassword)) !== 'ok') continue;
      const policy = checkNewPassword(newPassword, person.ssn, mobile);
      if (policy !== null)
        return { command: 'MMCZ', outcome: 'policy', replies: [reply('passwordPolicy', { reason: policy })] };
      if ((await backend.changeServicePassword(person.ssn, newPassword)) === 'no-person')
        return {
          command: 'MMCZ',
          outcome: 'no-person',
          replies: [reply('noPerson', { ssn: maskSsnText(person.ssn) })],
        };
      return {
        command: 'MMCZ',
        outcome: 'changed',
        replies: [reply('passwordChanged', who(person))],
        effect: async (tx) => {
          await clearFailures(tx, 'ssn', binding.ssnHash);
          await clearFailures(tx, 'mobile', mobile);
        },
      };
    }
    return this.failurePlan('MMCZ', mobile, only, 'oldPasswordWrong', now);
  }

  /** The bound person a CBXX/YLZHYE/LSGS (or extension) means: by name, SSN or its last four. */
  private async resolvePerson(
    mobile: string,
    command: string,
    query: string | null,
  ): Promise<{ person: { ssn: string; name: string; ssnHash: string } } | { plan: Plan }> {
    const bindings = await bindingsOf(this.deps.handle.db, mobile);
    if (bindings.length === 0)
      return { plan: { command, outcome: 'not-bound', replies: [reply('notBound')] } };
    const people = bindings.map((b) => ({ ...this.open(b), ssnHash: b.ssnHash }));
    if (query === null) {
      if (people.length === 1 && people[0]) return { person: people[0] };
      return {
        plan: {
          command,
          outcome: 'which',
          replies: [reply('whichPerson', { count: people.length, command, example: '姓名' })],
        },
      };
    }
    const q = query.trim().toUpperCase();
    const matches = /^\d{3}[\dX]$/.test(q)
      ? people.filter((p) => p.ssn.endsWith(q))
      : /^\d{14}[\dX]$|^\d{17}[\dX]$/.test(q)
        ? people.filter((p) => p.ssn === canonicalOrSelf(q, this.deps.now()))
        : people.filter((p) => p.name === query.trim());
    if (matches.length === 1 && matches[0]) return { person: matches[0] };
    const key: ReplyKey = matches.length === 0 ? 'nameNone' : 'nameMany';
    return {
      plan: {
        command,
        outcome: matches.length === 0 ? 'name-none' : 'name-many',
        replies: [reply(key, { query, count: matches.length })],
      },
    };
  }

  private async personPlan(
    mobile: string,
    command: 'CBXX' | 'YLZHYE' | 'LSGS',
    query: string | null,
  ): Promise<Plan> {
    const resolved = await this.resolvePerson(mobile, command, query);
    if ('plan' in resolved) return resolved.plan;
    const { person } = resolved;
    if (command === 'LSGS') return this.cardLossPlan(mobile, person);
    const summary: PersonSummary | null = await this.deps.backend.findPerson(person.ssn);
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
        replies: [
          reply('insurance', { ...who(person), insurances: abbreviateInsurances(summary.insurances) }),
        ],
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
  private async cardLossPlan(
    mobile: string,
    person: { ssn: string; name: string; ssnHash: string },
  ): Promise<Plan> {
    const { deps } = this;
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

  private async extensionPlan(mobile: string, code: string, params: Record<string, string>): Promise<Plan> {
    const { deps } = this;
    const def = deps.settings.extensions.find((e) => e.code.toUpperCase() === code.toUpperCase());
    if (!def) return { command: code, outcome: 'help', replies: [reply('help')] };
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
      const resolved = await this.resolvePerson(mobile, def.code, params.name ?? null);
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
            params,
            handler: 'staff',
            reference: null,
          },
          now,
        );
      },
    };
  }

  private open(b: BindingRow): { ssn: string; name: string } {
    return { ssn: this.deps.cipher.decrypt(b.ssnEnc), name: this.deps.cipher.decrypt(b.nameEnc) };
  }
}

function commandName(c: CitizenCommand): string {
  switch (c.kind) {
    case 'unknown':
      return 'UNKNOWN';
    case 'malformed':
      return c.command;
    case 'extension':
      return c.code;
    case 'TD':
    case 'QXFW':
    case 'BD':
    case 'QXBD':
    case 'MMCZ':
    case 'CBXX':
    case 'YLZHYE':
    case 'LSGS':
      return c.kind;
  }
}
