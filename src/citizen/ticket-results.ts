/**
 * Finishing a ticket (§7.3): the card system or a staff member completes it, and the citizen's
 * phone gets the result in the same commit — a completed ticket always has its message queued,
 * and a ticket is completed (and the citizen told) once.
 */
import type { PersonalDataCipher } from '../security/personal-data.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import { completeTicket, type TicketRecord } from '../store/tickets.js';
import { idsForOwnMessages, sendOwnMessages, type TextRoutes } from './outgoing.js';
import { maskName } from './people.js';
import { renderReply } from './replies.js';
import type { ReplyTexts, ReplyTextSet } from './reply-texts.js';

export interface TicketResultDeps {
  handle: DatabaseHandle;
  ids: IdAllocator;
  router: TextRoutes;
  cipher: PersonalDataCipher;
  texts: ReplyTexts;
  signature: string;
  now: () => number;
}

export interface TicketOutcome {
  result: 'done' | 'rejected';
  /** What the citizen is told: the reason for a rejection, the result of an extension's ticket. */
  text: string | null;
  by: string;
}

/** What a completed card loss tells the citizen when the handler wrote nothing. */
const CARD_LOSS_DONE_HINT = '补卡请持证件到经办网点。';

/**
 * What the citizen is told when a ticket completes (signature not included): the console shows it
 * before a staff member confirms, and completeAndNotify sends exactly this.
 */
export function ticketResultText(
  texts: ReplyTextSet,
  ticket: Pick<TicketRecord, 'kind' | 'requestNo' | 'nameEnc'>,
  cipher: PersonalDataCipher,
  outcome: Pick<TicketOutcome, 'result' | 'text'>,
): string {
  const { requestNo } = ticket;
  const name = ticket.nameEnc === null ? '' : maskName(cipher.decrypt(ticket.nameEnc));
  if (ticket.kind === 'card-loss' && outcome.result === 'done') {
    const done = renderReply(texts.cardLossDone, {
      name,
      requestNo,
      result: outcome.text ?? CARD_LOSS_DONE_HINT,
    });
    // A text edited without {result} still carries what the handler wrote.
    return outcome.text !== null && !texts.cardLossDone.includes('{result}') ? done + outcome.text : done;
  }
  if (ticket.kind === 'card-loss')
    return renderReply(texts.cardLossRejected, { requestNo, reason: outcome.text ?? '信息不符' });
  return renderReply(texts.ticketDone, {
    requestNo,
    result: outcome.text ?? (outcome.result === 'done' ? '已办结' : '未能办理，请致电12333'),
  });
}

/** The completed ticket and the id of the result message; null when it is unknown or already finished. */
export async function completeAndNotify(
  deps: TicketResultDeps,
  requestNo: string,
  outcome: TicketOutcome,
): Promise<{ ticket: TicketRecord; messageId: number | null } | null> {
  const texts = await deps.texts.current();
  await deps.ids.reserve(idsForOwnMessages(1));
  const now = deps.now();
  return deps.handle.db.transaction().execute(async (tx) => {
    const ticket = await completeTicket(
      tx,
      requestNo,
      { result: outcome.result, resultText: outcome.text, by: outcome.by },
      now,
    );
    if (!ticket) return null;
    const text = ticketResultText(texts, ticket, deps.cipher, outcome);
    const [messageId] = await sendOwnMessages(
      tx,
      deps.handle.caps,
      deps.ids,
      deps.router,
      deps.signature,
      [{ mobile: ticket.mobile, text, category: 'result', srcExt: '' }],
      now,
    );
    return { ticket, messageId: messageId ?? null };
  });
}
