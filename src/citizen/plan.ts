/**
 * What handling a command decides before anything is committed: a plan of replies and an effect.
 * The plan builders (binding-plans.ts, person-plans.ts) read and check; the engine commits.
 */
import type { Logger } from 'pino';
import type { Transaction } from 'kysely';
import type { BusinessBackend } from '../backend/types.js';
import type { Config } from '../config/schema.js';
import type { Router } from '../pipeline/router.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import type { BindingRow, FailurePolicy } from '../store/citizens.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { maskName, maskSsnText } from './people.js';
import { helpExtensions, type ReplyKey } from './replies.js';
import type { ReplyTexts } from './reply-texts.js';
import type { SurveyResponder } from './survey-hook.js';

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

/** What the plan builders need: the engine's dependencies and the password-failure policies. */
export interface PlanDeps extends EngineDeps {
  ssnPolicy: FailurePolicy;
  mobilePolicy: FailurePolicy;
  pairPolicy: FailurePolicy;
}

/** One answer: a reply text by key, or an extension's own rendered text; to the sender unless `to` names a phone. */
export type PlannedReply = { to?: string } & (
  { key: ReplyKey; values: Record<string, string | number> } | { literal: string }
);

/** What handling a command decided, before it is committed. */
export interface Plan {
  command: string;
  outcome: string;
  /** Read after `effect` ran: the effect may find, say, that the binding already existed. */
  replies: PlannedReply[];
  /** The command's effect, run inside the commit. */
  effect?: (tx: Transaction<Database>) => Promise<void>;
}

export const reply = (key: ReplyKey, values: Record<string, string | number> = {}): PlannedReply => ({
  key,
  values,
});

/** The masked identity every reply about a person shows. */
export const who = (person: { name: string; ssn: string }): { name: string; ssn: string } => ({
  name: maskName(person.name),
  ssn: maskSsnText(person.ssn),
});

/** A binding's person, unsealed. */
export function openBinding(deps: PlanDeps, b: BindingRow): { ssn: string; name: string } {
  return { ssn: deps.cipher.decrypt(b.ssnEnc), name: deps.cipher.decrypt(b.nameEnc) };
}

/** The command list (§6.3, Table 1 and the province's own): every command, in two short SMS. */
export function helpPlan(deps: EngineDeps, command: string): Plan {
  return {
    command,
    outcome: 'help',
    replies: [reply('help'), reply('helpMore', { extensions: helpExtensions(deps.settings.extensions) })],
  };
}
