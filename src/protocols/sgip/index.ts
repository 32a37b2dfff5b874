/** The SGIP 1.2 API: codec, sequence triples, code tables, gateway, simulator and `pdu decode`. */
export type { SgipCommand, SgipPdu, SgipPduOf, SgipTraceEntry } from './codec.js';
export {
  createSgipFramer,
  decodeSgip,
  decodeSgipTraceEntry,
  encodeSgip,
  encodeSgipTraceEntry,
} from './codec.js';
export type { SequenceFields, SgipSequence, SubmitSequenceFields } from './sequence.js';
export {
  parseSgipSequenceText,
  sameSequence,
  sequenceFields,
  sequenceOf,
  SgipSequencer,
  sgipSequenceText,
  sgipSpNodeId,
  sgipTime,
  submitSequenceFields,
  submitSequenceOf,
} from './sequence.js';
export { SGIP, SGIP_COMMAND_IDS, SGIP_HEADER_SIZE } from './tables.js';
export type { SgipCode } from './codes.js';
export {
  codingOfMessageCoding,
  isTemporaryResult,
  LOGIN_TYPE,
  MESSAGE_CODING,
  messageCodingOf,
  REPORT_FLAG,
  REPORT_STATE,
  RESULT,
  SGIP_REPORT_ERRORS,
  SGIP_RESULTS,
  sgipCode,
  sgipCodeReason,
} from './codes.js';
export { createSgipGateway, type SgipGatewayDeps } from './client.js';
export { SGIP_MAX_WINDOW } from './connection.js';
export { DEFAULT_SGIP_SIMULATOR_TUNING, startSgipSimulator, type SgipSimulatorTuning } from './simulator.js';
export { decodeSgipHex } from './describe-pdu.js';
