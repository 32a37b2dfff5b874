/**
 * The command engine (§6.3, docs/design.md §5 Commands): one citizen's uplink in, its effect and its
 * answers out. Business-backend calls and password checks happen first, outside any transaction
 * (the plans in binding-plans.ts and person-plans.ts); then the effect (binding, TD, ticket), the
 * reply messages, the request record and the uplink's "handled" mark commit together, so a reply
 * is sent exactly for what happened.
 */
import { isBackendUnavailable } from '../backend/types.js';
import {
  markHandled,
  recentCommands,
  recordRequest,
  unbindAll,
  unsubscribe,
  type PendingCommand,
} from '../store/citizens.js';
import {
  parseCommand,
  type Command as CitizenCommand,
  type ExtensionDefinition,
} from '../domain/commands/index.js';
import { bindPlan, changePasswordPlan, unbindPlan } from './binding-plans.js';
import { idsForOwnMessages, sendOwnMessages, type OutgoingText } from './outgoing.js';
import { extensionPlan, personPlan } from './person-plans.js';
import { helpPlan, reply, type EngineDeps, type Plan, type PlanDeps } from './plan.js';
import { renderReply } from './replies.js';

export type { EngineDeps } from './plan.js';

/** A command's answers never exceed this (BD: the new phone and the one the binding left). */
const MAX_REPLIES = 2;

export class CommandEngine {
  private readonly planDeps: PlanDeps;
  private readonly extensions: ExtensionDefinition[];

  constructor(private readonly deps: EngineDeps) {
    const windowMs = deps.settings.failureWindowHours * 3_600_000;
    const lockMs = deps.settings.lockHours * 3_600_000;
    this.planDeps = {
      ...deps,
      ssnPolicy: { limit: deps.settings.ssnFailureLimit, windowMs, lockMs },
      mobilePolicy: { limit: deps.settings.mobileFailureLimit, windowMs, lockMs },
      pairPolicy: { limit: deps.settings.ssnPhoneFailureLimit, windowMs, lockMs },
    };
    this.extensions = deps.settings.extensions.map((e) => ({ code: e.code, params: e.params }));
  }

  /** Handles one uplink; false when another process had already answered it. */
  async handle(cmd: PendingCommand): Promise<boolean> {
    const { deps } = this;
    const original = cmd.secretEnc === null ? cmd.text : deps.cipher.decrypt(cmd.secretEnc);
    const parsed = parseCommand(original, this.extensions);
    const throttled = await this.throttle(cmd, commandName(parsed));
    if (throttled) return this.commit(cmd, throttled);
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

  /**
   * Past the number's command limit: one "too many requests" answer in the window, then silence
   * (recorded, not answered, nothing charged), so a flood of uplinks is not a flood of replies.
   */
  private async throttle(cmd: PendingCommand, command: string): Promise<Plan | null> {
    const { commands, windowMinutes } = this.deps.settings.commandLimit;
    const since = this.deps.now() - windowMinutes * 60_000;
    const recent = await recentCommands(this.deps.handle.db, cmd.mobile, since);
    if (recent.total < commands) return null;
    return recent.warned
      ? { command, outcome: 'throttled', replies: [] }
      : { command, outcome: 'too-many', replies: [reply('tooMany', { minutes: Math.ceil(windowMinutes) })] };
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
        return helpPlan(this.deps, name);
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
        return bindPlan(this.planDeps, mobile, c.ssn, c.password, now);
      case 'QXBD':
        return unbindPlan(this.planDeps, mobile, c.ssn);
      case 'MMCZ':
        return changePasswordPlan(this.planDeps, mobile, c.oldPassword, c.newPassword, now);
      case 'CBXX':
      case 'YLZHYE':
      case 'LSGS':
        return personPlan(this.planDeps, mobile, c.kind, c.name);
      case 'extension':
        return extensionPlan(this.planDeps, mobile, c.code, c.params);
    }
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
