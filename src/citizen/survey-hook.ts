/**
 * How the command engine asks the surveys (§7.4) whether an uplink is a survey answer before it
 * reads it as a command: by the extension code the citizen replied to, else by the phone's open
 * survey. A match answers instead of the command engine; its effect commits with the reply.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export interface SurveyUplink {
  uplinkId: number;
  mobile: string;
  /** Digits after the gateway's sender number. */
  ext: string;
  /** As the citizen typed it (passwords are never in survey answers, so this is the stored text). */
  text: string;
  receivedAt: number;
  /** The text reads as a command (TD#, CBXX#…): a command wins over the phone's open survey, not over a reply to a survey's own extension code. */
  isCommand: boolean;
}

export interface SurveyMatch {
  /** Recorded in citizen_requests.outcome, e.g. `answered`, `reprompted`, `invalid`, `closed`. */
  outcome: string;
  /** Reply texts to the sender, already rendered (without signature); usually one. */
  replies: string[];
  /** Stores the answer, inside the engine's commit. */
  effect?: (tx: Transaction<Database>) => Promise<void>;
}

export interface SurveyResponder {
  match(uplink: SurveyUplink): Promise<SurveyMatch | null>;
}
