/** The CMPP 2.0 / 3.0 codec API (client and simulator code against these names). */
export type { Cmpp2Pdu, Cmpp3Pdu, CmppCommand, CmppPdu, CmppPduOf, CmppVersion } from './codec.js';
export { CMPP_HEADER_SIZE, CMPP_VERSIONS, createCmppFramer, decodeCmpp, encodeCmpp } from './codec.js';
export { cmppAuthenticatorIsmg, cmppAuthenticatorSource, cmppTimestamp } from './auth.js';
export type { CmppMsgIdFields } from './msg-id.js';
export { cmppMsgIdText, composeCmppMsgId, parseCmppMsgId } from './msg-id.js';
export type { CmppReport } from './report.js';
export { CMPP_REPORT_LENGTHS, decodeCmppReport, encodeCmppReport } from './report.js';
export { CMPP_COMMAND_IDS, CMPP_VERSION_BYTE } from './tables.js';
export {
  codingOfMsgFmt,
  CONNECT_STATUS,
  connectStatusReason,
  DELIVER_RESULT,
  MSG_FMT,
  msgFmtOf,
  RESULT_FLOW_CONTROL,
  SUBMIT_RESULT,
  submitResultReason,
} from './codes.js';
export type { DecodeError, DecodeErrorCode, DecodeResult } from '../codec/result.js';
export type { Framer, FramerResult } from '../codec/framer.js';
