/**
 * Surveys and return visits (§7.4, docs/design.md §5 Surveys). Operators (CLI) and business systems
 * (interface) create a survey, send its first question to a list of phones and close it; the
 * command engine asks `match` about every uplink to the platform before reading it as a command.
 *
 * A reply is matched by the extension code it was sent to (the survey's own number: whatever it
 * says is an answer attempt while the phone has a question pending — except TD/QXFW, which are
 * always honoured), else by the phone's open survey, but only when the text is not a command.
 * The answer and the next question commit together with the engine's "handled" mark.
 * The reading of answers and the texts are in survey-rules.ts.
 */
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import { carrierOf, normalizeMobile } from '../domain/phone.js';
import { measureText } from '../domain/text/index.js';
import { AppError } from '../shared/errors.js';
import { admitInTransaction, type AdmissionRecipient, type SendingRules } from '../store/admission.js';
import { SERVICE_APP_ID } from '../store/citizens.js';
import type { DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import {
  activeTargetOf,
  advanceTarget,
  closeSurvey,
  findSurvey,
  findSurveyByExt,
  insertAnswer,
  insertSurvey,
  insertTargets,
  openSurvey,
  targetedAmong,
  targetOf,
  type SurveyRecord,
  type TargetRecord,
  type TargetStatus,
} from '../store/surveys.js';
import type { TextRoutes } from './outgoing.js';
import type { SurveyMatch, SurveyResponder, SurveyUplink } from './survey-hook.js';
import {
  firstMessage,
  isUnsubscribeText,
  matchOption,
  parseSurveyDefinition,
  renderQuestion,
  repromptMessage,
  surveyExtCode,
  surveyPhase,
  SURVEY_TEXTS,
} from './survey-rules.js';

export interface SurveyDeps {
  handle: DatabaseHandle;
  /** The platform's id allocator (targets, messages). */
  ids: IdAllocator;
  router: TextRoutes;
  settings: {
    /** Survey questions go out under the citizen signature, like replies. */
    signature: string;
    /** `citizen.surveyExtPrefix`: every survey's extension code starts with it. */
    extPrefix: string;
    maxSegments: number;
  };
  /** Quiet hours and frequency limits (sending.*): the first question is a survey message like any other. */
  rules?: SendingRules;
  now: () => number;
  /** Called after a send batch committed (wakes the dispatcher). */
  onQueued?: () => void;
  logger?: Logger;
}

/** At most this many phones per admission transaction. */
export const SEND_BATCH = 1000;

export interface SendProgress {
  /** Numbers taken so far (queued, blocked, already sent or invalid). */
  done: number;
  total: number;
  queued: number;
  blocked: number;
}

export interface SendSummary extends SendProgress {
  /** Phones this survey had already gone to: sent nothing again. */
  already: number;
  /** Entries that are not mainland mobile numbers. */
  invalid: string[];
  /** When the first question goes (the survey's opening time if it lies ahead). */
  sendAt: number;
}

export class Surveys implements SurveyResponder {
  private readonly numbers: IdAllocator;

  constructor(private readonly deps: SurveyDeps) {
    // Surveys are numbered 1, 2, 3… in their own sequence: the number is part of a phone number.
    this.numbers = new IdAllocator(deps.handle.db, 1, 'surveys');
  }

  /** The database the surveys live in (results and export read it). */
  get handle(): DatabaseHandle {
    return this.deps.handle;
  }

  /** Validates and stores a survey as a draft; its extension code is the prefix and its number. */
  async create(input: unknown, createdBy: string): Promise<{ survey: SurveyRecord; warnings: string[] }> {
    const { deps } = this;
    const now = deps.now();
    const parsed = parseSurveyDefinition(input, {
      now,
      signature: deps.settings.signature,
      maxSegments: deps.settings.maxSegments,
    });
    if (!parsed.ok) throw new AppError('ERR_INPUT_INVALID', parsed.errors.join('; '));
    const id = await this.numbers.nextId();
    const def = parsed.definition;
    const extCode = surveyExtCode(deps.settings.extPrefix, id);
    await deps.handle.db
      .transaction()
      .execute((tx) => insertSurvey(tx, { id, ...def, extCode, createdBy }, now));
    const survey = await findSurvey(deps.handle.db, id);
    if (!survey) throw new AppError('ERR_INTERNAL', `survey ${id} vanished`);
    return { survey, warnings: parsed.warnings };
  }

  /**
   * Queues the first question to each phone not yet surveyed, ≤ SEND_BATCH per transaction, as
   * category `survey` (TD, QXFW and blacklisted numbers are recorded BLOCKED and get nothing) under
   * the platform's account, uncharged, from the survey's extension code.
   */
  async send(
    surveyId: number,
    mobiles: readonly string[],
    onProgress: (p: SendProgress) => void = () => undefined,
  ): Promise<SendSummary> {
    const { deps } = this;
    const { db, caps } = deps.handle;
    const survey = await findSurvey(db, surveyId);
    if (!survey) throw new AppError('ERR_INPUT_INVALID', `调查 ${surveyId} 不存在 (no such survey)`);
    if (surveyPhase(survey, deps.now()) === 'closed')
      throw new AppError('ERR_INPUT_INVALID', `调查 ${surveyId} 已结束，不能再发送 (closed)`);
    const { valid, invalid } = distinctMobiles(mobiles);
    const content = firstMessage(survey);
    const signature = deps.settings.signature;
    const summary: SendSummary = {
      done: invalid.length,
      total: valid.length + invalid.length,
      queued: 0,
      blocked: 0,
      already: 0,
      invalid,
      sendAt: Math.max(deps.now(), survey.opensAt),
    };
    for (let i = 0; i < valid.length; i += SEND_BATCH) {
      const chunk = valid.slice(i, i + SEND_BATCH);
      const recipients = chunk.map((m) => recipientOf(deps.router, m, signature + content));
      // A batch, a message and a report per number (admission), and a target row per number.
      await deps.ids.reserve(1 + 3 * chunk.length);
      const now = deps.now();
      const counted = await db.transaction().execute(async (tx) => {
        const already = await targetedAmong(tx, surveyId, chunk);
        const fresh = recipients.filter((r) => !already.has(r.mobile));
        const out = { queued: 0, blocked: 0, already: already.size };
        if (fresh.length === 0) return out;
        await openSurvey(tx, surveyId);
        const [result] = await admitInTransaction(
          tx,
          caps,
          deps.ids,
          [
            {
              appId: SERVICE_APP_ID,
              clientMsgId: null,
              signature,
              content,
              srcExt: survey.extCode,
              islong: true,
              category: 'survey',
              sendAt: survey.opensAt > now ? survey.opensAt : null,
              recipients: fresh,
              unmetered: true,
            },
          ],
          now,
          deps.rules,
        );
        if (result?.kind !== 'accepted')
          throw new AppError('ERR_INTERNAL', `survey admission: ${result?.kind ?? 'none'}`);
        const rows = result.answer.msgIds.map((m) => {
          const status: TargetStatus = m.status === 'QUEUED' ? 'pending' : 'blocked';
          if (status === 'pending') out.queued++;
          else out.blocked++;
          return { id: deps.ids.take(), surveyId, mobile: m.mobile, status, messageId: Number(m.msgId) };
        });
        await insertTargets(tx, rows, now);
        return out;
      });
      summary.queued += counted.queued;
      summary.blocked += counted.blocked;
      summary.already += counted.already;
      summary.done += chunk.length;
      if (counted.queued > 0) deps.onQueued?.();
      onProgress({
        done: summary.done,
        total: summary.total,
        queued: summary.queued,
        blocked: summary.blocked,
      });
    }
    deps.logger?.info(
      { surveyId, queued: summary.queued, blocked: summary.blocked },
      '调查已发送 survey sent',
    );
    return summary;
  }

  /** Closes it now: later replies get the "已结束" text. Null when there is no such survey. */
  async close(surveyId: number): Promise<{ survey: SurveyRecord; changed: boolean } | null> {
    const { db } = this.deps.handle;
    const changed = await closeSurvey(db, surveyId, this.deps.now());
    const survey = await findSurvey(db, surveyId);
    return survey ? { survey, changed } : null;
  }

  async match(uplink: SurveyUplink): Promise<SurveyMatch | null> {
    const { db } = this.deps.handle;
    const now = this.deps.now();
    if (uplink.ext !== '' && uplink.ext.startsWith(this.deps.settings.extPrefix)) {
      const survey = await findSurveyByExt(db, uplink.ext);
      if (survey && !isUnsubscribeText(uplink.text)) {
        const phase = surveyPhase(survey, now);
        const target = phase === 'open' ? await targetOf(db, survey.id, uplink.mobile) : null;
        if (target && (target.status === 'pending' || target.status === 'answering'))
          return this.answer(survey, target, uplink, now);
        // No question pending for this phone here: a command still works from this number.
        if (uplink.isCommand) return null;
        if (phase === 'closed') return { outcome: 'closed', replies: [SURVEY_TEXTS.closed] };
        if (phase !== 'open') return { outcome: 'not-open', replies: [SURVEY_TEXTS.notOpen] };
        if (target?.status === 'done')
          return { outcome: 'already-done', replies: [SURVEY_TEXTS.alreadyDone] };
        return { outcome: 'not-targeted', replies: [SURVEY_TEXTS.notTargeted] };
      }
    }
    if (uplink.isCommand) return null;
    const target = await activeTargetOf(db, uplink.mobile, now);
    if (!target) return null;
    const survey = await findSurvey(db, target.surveyId);
    return survey ? this.answer(survey, target, uplink, now) : null;
  }

  /** The answer to the question the phone is on: next question, thanks, re-prompt or the end. */
  private answer(survey: SurveyRecord, target: TargetRecord, uplink: SurveyUplink, now: number): SurveyMatch {
    const { questions } = survey;
    const position = target.position;
    const question = questions[position];
    if (!question) return { outcome: 'already-done', replies: [SURVEY_TEXTS.alreadyDone] };
    const record = (optionCode: string | null) => (tx: Transaction<Database>) =>
      insertAnswer(tx, {
        surveyId: survey.id,
        mobile: uplink.mobile,
        position,
        optionCode,
        rawText: uplink.text.slice(0, 500),
        uplinkId: uplink.uplinkId,
        answeredAt: uplink.receivedAt,
      });
    const option = matchOption(question, uplink.text);
    if (option) {
      const last = position + 1 >= questions.length;
      return {
        outcome: last ? 'completed' : 'answered',
        replies: [last ? survey.thanks : renderQuestion(questions, position + 1)],
        effect: async (tx) => {
          await record(option.code)(tx);
          await advanceTarget(
            tx,
            target,
            last
              ? { position, reprompted: target.reprompted, status: 'done' }
              : { position: position + 1, reprompted: false, status: 'answering' },
            now,
          );
        },
      };
    }
    if (!target.reprompted)
      return {
        outcome: 'reprompted',
        replies: [repromptMessage(questions, position)],
        effect: (tx) => advanceTarget(tx, target, { position, reprompted: true, status: target.status }, now),
      };
    return {
      outcome: 'invalid',
      replies: [SURVEY_TEXTS.endedInvalid],
      effect: async (tx) => {
        await record(null)(tx);
        await advanceTarget(tx, target, { position, reprompted: true, status: 'done' }, now);
      },
    };
  }
}

/** Distinct normalised numbers in the order given, and the entries that are not numbers. */
export function distinctMobiles(raw: readonly string[]): { valid: string[]; invalid: string[] } {
  const valid = new Set<string>();
  const invalid: string[] = [];
  for (const entry of raw) {
    const t = entry.trim();
    if (t === '') continue;
    const m = normalizeMobile(t);
    if (m === null) invalid.push(t);
    else valid.add(m);
  }
  return { valid: [...valid], invalid };
}

/** As the engine counts its replies: the route needing the most segments decides. */
function recipientOf(router: TextRoutes, mobile: string, fullText: string): AdmissionRecipient {
  const carrier = carrierOf(mobile);
  const profiles = carrier ? router.profilesFor(carrier) : [];
  const homeProvince = router.homeOf?.(mobile) ?? '';
  if (!carrier || profiles.length === 0)
    return { mobile, carrier: carrier ?? 'mvno', segments: null, homeProvince };
  return {
    mobile,
    carrier,
    segments: Math.max(...profiles.map((p) => measureText(fullText, p).segments)),
    homeProvince,
  };
}
