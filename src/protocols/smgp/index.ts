/** The SMGP 3.0 API: codec, MsgID and report helpers, gateway, simulator and `pdu decode`. */
export type { SmgpCommand, SmgpLayout, SmgpPdu, SmgpPduOf, SmgpTlvs } from './codec.js';
export { createSmgpFramer, decodeSmgp, encodeSmgp, SMGP_HEADER_SIZE } from './codec.js';
export {
  smgpAuthenticatorClient,
  smgpAuthenticatorServer,
  smgpTimestamp,
  smgpTimestampText,
} from './auth.js';
export type { SmgpMsgIdFields } from './msg-id.js';
export {
  composeSmgpMsgId,
  parseSmgpMsgId,
  SMGP_MSG_ID_LENGTH,
  smgpMsgIdFromText,
  smgpMsgIdText,
} from './msg-id.js';
export type { SmgpReport } from './report.js';
export { encodeSmgpReport, parseSmgpReport, SMGP_REPORT_LENGTH } from './report.js';
export { SMGP_COMMAND_IDS, SMGP_TLVS } from './tables.js';
export {
  codingOfMsgFormat,
  LOGIN_MODE,
  MSG_FORMAT,
  msgFormatOf,
  REPORT_ERR,
  SMGP_STATUS,
  SMGP_VERSION_BYTE,
  smgpStatusReason,
  TEMPORARY_STATUSES,
} from './codes.js';
export { createSmgpGateway, type SmgpGatewayDeps } from './client.js';
export { startSmgpSimulator } from './simulator.js';
export { decodeSmgpHex } from './describe-pdu.js';
