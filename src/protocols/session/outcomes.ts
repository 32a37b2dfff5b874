/**
 * What every client mapping (`<protocol>/client-mapping.ts`) shares: the outcome codes that are
 * the gateway's own rather than the carrier's, and the outcome of a submit that got no answer.
 * Each protocol keeps only how it reads an answer.
 */
import type { SubmitOutcome } from '../gateway.js';
import type { RequestResult } from './request-tracker.js';
import type { QueueCodes } from './submit-queue.js';

/** Outcome codes that are ours, not the carrier's (theirs are `<PROTOCOL>:<code>`). */
export interface LocalCodes extends QueueCodes {
  timeout: string;
  linkLost: string;
}

export function localCodes(protocol: 'CMPP' | 'SGIP' | 'SMGP' | 'SMPP'): LocalCodes {
  return {
    timeout: `${protocol}:TIMEOUT`,
    linkLost: `${protocol}:LINK_LOST`,
    noLink: `${protocol}:NO_LINK`,
    busy: `${protocol}:BUSY`,
    closing: `${protocol}:CLOSING`,
    encode: `${protocol}:ENCODE`,
    late: `${protocol}:LATE`,
  };
}

/**
 * A submit's outcome: `answered` reads the carrier's answer; a timeout or a lost link is
 * `unanswered` (the carrier may have taken it), named by `codes` — `noAnswer` says what did not come.
 */
export function submitOutcome<R>(
  answer: RequestResult<R>,
  codes: LocalCodes,
  noAnswer: string,
  answered: (response: R) => SubmitOutcome,
): SubmitOutcome {
  switch (answer.kind) {
    case 'answered':
      return answered(answer.response);
    case 'timeout':
      return { kind: 'unanswered', code: codes.timeout, reason: noAnswer };
    case 'lost':
      return { kind: 'unanswered', code: codes.linkLost, reason: `连接断开 link lost: ${answer.reason}` };
  }
}
