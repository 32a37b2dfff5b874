/**
 * SMGP 3.0 PDUs as field tables (China Telecom SMGP V3.0.3, 2008; protocols docs/protocols.md §3). Sections
 * cite the spec: §5.2.2 the operations, §6.1 the request ids, §6.2 the fields, §6.3 the optional
 * parameters (TLVs); where docs/protocols.md is the nearer source, it is cited.
 *
 * Two layouts: SMGP 3.0 proper, and the older 1.3/2.0 one whose Submit has no FixedFee (docs/protocols.md §3.4;
 * SMSGate switches on version 0x13). A link speaks the layout its Login settled on; one PDU value
 * encodes for either, FixedFee defaulting where the layout has it.
 */
import {
  bytes,
  bytesWithLength,
  lengthOf,
  list,
  octets,
  tlv,
  tlvs,
  u32,
  u8,
  withDefault,
} from '../codec/fields.js';
import { defineProtocol } from '../codec/protocol.js';

/** RequestID values (§6.1.2; docs/protocols.md §3.2); a response is the request | 0x80000000. */
export const SMGP_COMMAND_IDS = {
  SMGP_LOGIN: 0x00000001,
  SMGP_LOGIN_RESP: 0x80000001,
  SMGP_SUBMIT: 0x00000002,
  SMGP_SUBMIT_RESP: 0x80000002,
  SMGP_DELIVER: 0x00000003,
  SMGP_DELIVER_RESP: 0x80000003,
  SMGP_ACTIVE_TEST: 0x00000004,
  SMGP_ACTIVE_TEST_RESP: 0x80000004,
  SMGP_EXIT: 0x00000006,
  SMGP_EXIT_RESP: 0x80000006,
  SMGP_QUERY: 0x00000007,
  SMGP_QUERY_RESP: 0x80000007,
} as const;

/** Header after PacketLength and RequestID (docs/protocols.md §3.1): 12 octets in all. */
const header = [u32('sequenceId', 'SequenceID')] as const;

/**
 * Largest PacketLength accepted. The spec caps packets at 2 KB, but allows 100 DestTermIDs of 21
 * octets in one Submit (2.3 KB before the content); docs/protocols.md §0 puts the bound "about 4096".
 */
const MAX_LENGTH = 4096;

/** DestTermIDCount ≤ 100 (docs/protocols.md §3.4). */
const MAX_DEST = 100;

/** Terminal ids are 21 octets throughout SMGP (docs/protocols.md §5). */
const TERM_ID = 21;

/**
 * Optional parameters (§6.3; docs/protocols.md §3.8), one table for Submit and Deliver alike: a gateway that
 * puts a Submit-only tag on a Deliver (PkTotal on a long uplink, say) still gets it read by name.
 * Strings are read up to a NUL or the end and written NUL-terminated, as SMSGate does; integers
 * sent wider than specified (go_smgp's 2-octet TP_udhi) are read by the engine all the same.
 */
export const SMGP_TLVS = [
  tlv('tpPid', 0x0001, 'u8', 'TP_pid'),
  tlv('tpUdhi', 0x0002, 'u8', 'TP_udhi'),
  tlv('linkId', 0x0003, 'cstring', 'LinkID'),
  tlv('chargeUserType', 0x0004, 'u8', 'ChargeUserType'),
  tlv('chargeTermType', 0x0005, 'u8', 'ChargeTermType'),
  tlv('chargeTermPseudo', 0x0006, 'cstring', 'ChargeTermPseudo'),
  tlv('destTermType', 0x0007, 'u8', 'DestTermType'),
  tlv('destTermPseudo', 0x0008, 'cstring', 'DestTermPseudo'),
  tlv('pkTotal', 0x0009, 'u8', 'PkTotal'),
  tlv('pkNumber', 0x000a, 'u8', 'PkNumber'),
  tlv('submitMsgType', 0x000b, 'u8', 'SubmitMsgType'),
  tlv('spDealResult', 0x000c, 'u8', 'SPDealResult'),
  tlv('srcTermType', 0x000d, 'u8', 'SrcTermType'),
  tlv('srcTermPseudo', 0x000e, 'cstring', 'SrcTermPseudo'),
  tlv('nodesCount', 0x000f, 'u8', 'NodesCount'),
  tlv('msgSrc', 0x0010, 'cstring', 'MsgSrc'),
  tlv('srcType', 0x0011, 'u8', 'SrcType'),
  tlv('mServiceId', 0x0012, 'cstring', 'MServiceID'),
] as const;

/** The TLV section after Reserve; a truncated last TLV is dropped, not fatal (docs/protocols.md §9 item 5). */
const options = tlvs('options', SMGP_TLVS, { spec: 'TLV', lenientTail: true });

const msgContent = [
  lengthOf('msgLength', 1, 'MsgLength'),
  bytesWithLength('msgContent', 'msgLength', { spec: 'MsgContent' }),
] as const;

/** Bodies both layouts share. */
const common = {
  /** §5.2.2.1 Login — 30 octets. */
  SMGP_LOGIN: {
    id: SMGP_COMMAND_IDS.SMGP_LOGIN,
    body: [
      octets('clientId', 8, 'ClientID'),
      bytes('authenticatorClient', 16, 'AuthenticatorClient'),
      u8('loginMode', 'LoginMode'),
      u32('timeStamp', 'TimeStamp'),
      u8('clientVersion', 'ClientVersion'),
    ],
  },
  /** §5.2.2.1 Login_Resp — 21 octets; AuthenticatorServer is all zero when the login fails. */
  SMGP_LOGIN_RESP: {
    id: SMGP_COMMAND_IDS.SMGP_LOGIN_RESP,
    body: [
      u32('status', 'Status'),
      bytes('authenticatorServer', 16, 'AuthenticatorServer'),
      u8('serverVersion', 'ServerVersion'),
    ],
  },
  /** §5.2.2.2 Submit_Resp — MsgID 10 + Status 4. */
  SMGP_SUBMIT_RESP: {
    id: SMGP_COMMAND_IDS.SMGP_SUBMIT_RESP,
    body: [bytes('msgId', 10, 'MsgID'), u32('status', 'Status')],
  },
  /** §5.2.2.3 Deliver: IsReport 1 carries a status report in MsgContent (§6.2.63). */
  SMGP_DELIVER: {
    id: SMGP_COMMAND_IDS.SMGP_DELIVER,
    body: [
      bytes('msgId', 10, 'MsgID'),
      u8('isReport', 'IsReport'),
      u8('msgFormat', 'MsgFormat'),
      octets('recvTime', 14, 'RecvTime'),
      octets('srcTermId', TERM_ID, 'SrcTermID'),
      octets('destTermId', TERM_ID, 'DestTermID'),
      ...msgContent,
      withDefault(octets('reserve', 8, 'Reserve'), ''),
      options,
    ],
  },
  /** §5.2.2.3 Deliver_Resp — MsgID 10 + Status 4. */
  SMGP_DELIVER_RESP: {
    id: SMGP_COMMAND_IDS.SMGP_DELIVER_RESP,
    body: [bytes('msgId', 10, 'MsgID'), u32('status', 'Status')],
  },
  /** Active_Test and its response have no body, unlike CMPP's 1-octet response (docs/protocols.md §3.7). */
  SMGP_ACTIVE_TEST: { id: SMGP_COMMAND_IDS.SMGP_ACTIVE_TEST, body: [] },
  SMGP_ACTIVE_TEST_RESP: { id: SMGP_COMMAND_IDS.SMGP_ACTIVE_TEST_RESP, body: [] },
  /** Exit and its response have no body (docs/protocols.md §3.7). */
  SMGP_EXIT: { id: SMGP_COMMAND_IDS.SMGP_EXIT, body: [] },
  SMGP_EXIT_RESP: { id: SMGP_COMMAND_IDS.SMGP_EXIT_RESP, body: [] },
  /** Query (docs/protocols.md §3.7). */
  SMGP_QUERY: {
    id: SMGP_COMMAND_IDS.SMGP_QUERY,
    body: [
      octets('queryTime', 8, 'QueryTime'),
      u8('queryType', 'QueryType'),
      octets('queryCode', 10, 'QueryCode'),
    ],
  },
  /** Query_Resp: the counters of the day, then Reserve (docs/protocols.md §3.7). */
  SMGP_QUERY_RESP: {
    id: SMGP_COMMAND_IDS.SMGP_QUERY_RESP,
    body: [
      octets('queryTime', 8, 'QueryTime'),
      u8('queryType', 'QueryType'),
      octets('queryCode', 10, 'QueryCode'),
      u32('mtTlMsg', 'MT_TLMsg'),
      u32('mtTlUsr', 'MT_TLUsr'),
      u32('mtScs', 'MT_Scs'),
      u32('mtWt', 'MT_WT'),
      u32('mtFl', 'MT_FL'),
      u32('moScs', 'MO_Scs'),
      u32('moWt', 'MO_WT'),
      u32('moFl', 'MO_FL'),
      withDefault(octets('reserve', 8, 'Reserve'), ''),
    ],
  },
} as const;

/** Submit fields up to FeeCode (§5.2.2.2). */
const submitHead = [
  u8('msgType', 'MsgType'),
  u8('needReport', 'NeedReport'),
  u8('priority', 'Priority'),
  octets('serviceId', 10, 'ServiceID'),
  octets('feeType', 2, 'FeeType'),
  octets('feeCode', 6, 'FeeCode'),
] as const;

/** Submit fields from MsgFormat on (§5.2.2.2). */
const submitTail = [
  u8('msgFormat', 'MsgFormat'),
  octets('validTime', 17, 'ValidTime'),
  octets('atTime', 17, 'AtTime'),
  octets('srcTermId', TERM_ID, 'SrcTermID'),
  octets('chargeTermId', TERM_ID, 'ChargeTermID'),
  lengthOf('destTermIdCount', 1, 'DestTermIDCount'),
  list('destTermId', 'destTermIdCount', octets('destTermId', TERM_ID), { spec: 'DestTermID', max: MAX_DEST }),
  ...msgContent,
  withDefault(octets('reserve', 8, 'Reserve'), ''),
  options,
] as const;

/** SMGP 3.0 (V3.0.3): Submit with FixedFee after FeeCode. */
export const SMGP30 = defineProtocol({
  protocol: 'smgp',
  lengthSpec: 'PacketLength',
  commandSpec: 'RequestID',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    ...common,
    SMGP_SUBMIT: {
      id: SMGP_COMMAND_IDS.SMGP_SUBMIT,
      body: [...submitHead, withDefault(octets('fixedFee', 6, 'FixedFee'), ''), ...submitTail],
    },
  },
});

/** SMGP 1.3 / 2.0 layout: the same, but Submit has no FixedFee (docs/protocols.md §3.4). */
export const SMGP13 = defineProtocol({
  protocol: 'smgp',
  lengthSpec: 'PacketLength',
  commandSpec: 'RequestID',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    ...common,
    SMGP_SUBMIT: { id: SMGP_COMMAND_IDS.SMGP_SUBMIT, body: [...submitHead, ...submitTail] },
  },
});

export const SMGP_PROTOCOLS = { smgp30: SMGP30, smgp13: SMGP13 } as const;
