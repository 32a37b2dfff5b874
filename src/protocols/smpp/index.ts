/** The SMPP 3.4 API: codec, code tables, receipts, the ESME gateway, the SMSC simulator, `pdu decode`. */
export type { SmppCommand, SmppPdu, SmppPduOf, SmppTlvs } from './codec.js';
export { createSmppFramer, decodeSmpp, encodeSmpp, SMPP_HEADER_SIZE } from './codec.js';
export { SMPP34, SMPP_COMMAND_IDS, SMPP_INTERFACE_VERSION, SMPP_TLVS } from './tables.js';
export type { CommandStatus } from './codes.js';
export {
  codingOfDataCoding,
  COMMAND_STATUS,
  commandStatusOf,
  commandStatusReason,
  DATA_CODING,
  dataCodingOf,
  ESM_CLASS,
  isReceipt,
  MESSAGE_STATE_STAT,
  STATUS,
  statusCode,
} from './codes.js';
export type { ReceiptFields, ReceiptText } from './receipt.js';
export {
  alternateIds,
  formatReceiptText,
  normalizeMessageId,
  parseReceiptText,
  receiptCarrierId,
  RecentIds,
} from './receipt.js';
export { createSmppGateway, type SmppGatewayDeps } from './client.js';
export { DEFAULT_SMPP_OPTIONS } from './client-mapping.js';
export { startSmppSimulator } from './simulator.js';
export { decodeSmppHex } from './describe-pdu.js';
