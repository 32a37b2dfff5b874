/**
 * SGIP 1.2 §3.7.2.4.2: "if a command is well formed but the server does not process it (an SP that
 * receives a Submit, say), it returns the matching response with the reason in it". The response a
 * side that does not serve `pdu` answers, or null for responses (those are dropped, not answered).
 */
import type { SgipPdu } from './codec.js';
import { RESULT } from './codes.js';
import { sequenceFields, sequenceOf } from './sequence.js';

export function refusalOf(pdu: SgipPdu): SgipPdu | null {
  const seq = sequenceFields(sequenceOf(pdu));
  switch (pdu.command) {
    case 'SGIP_BIND':
      // On a link that is already bound (or a client link): "repeated bind" (§5.2 code 2).
      return { command: 'SGIP_BIND_RESP', ...seq, result: RESULT.repeatedBind };
    case 'SGIP_SUBMIT':
      return { command: 'SGIP_SUBMIT_RESP', ...seq, result: RESULT.badCommand };
    case 'SGIP_DELIVER':
      return { command: 'SGIP_DELIVER_RESP', ...seq, result: RESULT.badCommand };
    case 'SGIP_REPORT':
      return { command: 'SGIP_REPORT_RESP', ...seq, result: RESULT.badCommand };
    case 'SGIP_UNBIND':
      return { command: 'SGIP_UNBIND_RESP', ...seq };
    case 'SGIP_TRACE':
      // Nothing to trace here: no node the SUBMIT passed.
      return { command: 'SGIP_TRACE_RESP', ...seq, entries: [] };
    case 'SGIP_BIND_RESP':
    case 'SGIP_UNBIND_RESP':
    case 'SGIP_SUBMIT_RESP':
    case 'SGIP_DELIVER_RESP':
    case 'SGIP_REPORT_RESP':
    case 'SGIP_TRACE_RESP':
      return null;
  }
}
