export type { Segment, TextCoding, TextMeasure, TextProfile } from './types.js';
export {
  decodeGsm7,
  encodeGsm7,
  GSM7_ESC,
  gsm7Septets,
  isGsm7,
  isGsm7Char,
  isGsm7Extension,
  packSeptets,
  unpackSeptets,
} from './gsm7.js';
export type { ConcatInfo, UdhElement, UdhParseResult, UserDataSplit } from './udh.js';
export { CONCAT_UDH_LENGTH, concatUdh, IEI_CONCAT_16, IEI_CONCAT_8, parseUdh, splitUserData } from './udh.js';
export type { DecodableCoding } from './codec.js';
export { decodeText, encodeText } from './codec.js';
export {
  chooseCoding,
  MAX_SEGMENTS,
  measureText,
  segmentEnds,
  segmentLimit,
  TEXT_LIMITS,
  unitsOf,
} from './measure.js';
export { segmentText, wholeText } from './segment.js';
