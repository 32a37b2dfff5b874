/**
 * CMPP 2.0 and CMPP 3.0 PDUs as field tables, one protocol table per version (docs/protocols.md §1). Sections
 * cite the China Mobile specs: CMPP 2.0 chapter 7 ("7.4.3" = CMPP_SUBMIT) and CMPP 3.0 chapter 8
 * ("8.4.3"), which number the same operations one chapter apart.
 *
 * The versions differ in the width of terminal ids (21 / 32), of Status / Result fields (1 / 4) and
 * in a few fields only 3.0 has (Fee_terminal_type, Dest_terminal_type, Src_terminal_type, LinkID)
 * where 2.0 has a Reserve block. Those version-only fields carry defaults, so one PDU value can be
 * encoded for either version.
 */
import {
  bytes,
  bytesWithLength,
  lengthOf,
  list,
  octets,
  u32,
  u64,
  u8,
  withDefault,
  type UintField,
} from '../codec/fields.js';
import { defineProtocol } from '../codec/protocol.js';

/** Command_Id values (2.0 §7.3 / 3.0 §8.3; docs/protocols.md §1.2); a response is the request | 0x80000000. */
export const CMPP_COMMAND_IDS = {
  CMPP_CONNECT: 0x00000001,
  CMPP_CONNECT_RESP: 0x80000001,
  CMPP_TERMINATE: 0x00000002,
  CMPP_TERMINATE_RESP: 0x80000002,
  CMPP_SUBMIT: 0x00000004,
  CMPP_SUBMIT_RESP: 0x80000004,
  CMPP_DELIVER: 0x00000005,
  CMPP_DELIVER_RESP: 0x80000005,
  CMPP_QUERY: 0x00000006,
  CMPP_QUERY_RESP: 0x80000006,
  CMPP_CANCEL: 0x00000007,
  CMPP_CANCEL_RESP: 0x80000007,
  CMPP_ACTIVE_TEST: 0x00000008,
  CMPP_ACTIVE_TEST_RESP: 0x80000008,
} as const;

/** Version byte of CMPP_CONNECT: major version in the high nibble (docs/protocols.md §1). */
export const CMPP_VERSION_BYTE = { cmpp2: 0x20, cmpp3: 0x30 } as const;

/** Header after Total_Length and Command_Id (§7.3 / §8.3): 12 octets in all. */
const header = [u32('sequenceId', 'Sequence_Id')] as const;

/** Largest Total_Length accepted (docs/protocols.md §0: "about 4096"); a 99-recipient 3.0 SUBMIT is 3586. */
const MAX_LENGTH = 4096;

/** DestUsr_tl is "< 100" (§7.4.3.1 / §8.4.3.1). */
const MAX_DEST = 100;

/** Terminal-id width: the one layout difference that runs through both versions (docs/protocols.md §5). */
const TERMINAL_ID = { cmpp2: 21, cmpp3: 32 } as const;

/** Status / Result / Success_Id width: 1 octet in 2.0, 4 in 3.0 (docs/protocols.md §9 item 2). */
const resultField = { cmpp2: u8, cmpp3: u32 } as const;

/** Bodies with the same layout in both versions. */
const common = {
  /** §7.4.1.1 / §8.4.1.1 — 27 octets. */
  CMPP_CONNECT: {
    id: CMPP_COMMAND_IDS.CMPP_CONNECT,
    body: [
      octets('sourceAddr', 6, 'Source_Addr'),
      bytes('authenticatorSource', 16, 'AuthenticatorSource'),
      u8('version', 'Version'),
      u32('timestamp', 'Timestamp'),
    ],
  },
  /** §7.4.2 / §8.4.2 — no body. */
  CMPP_TERMINATE: { id: CMPP_COMMAND_IDS.CMPP_TERMINATE, body: [] },
  CMPP_TERMINATE_RESP: { id: CMPP_COMMAND_IDS.CMPP_TERMINATE_RESP, body: [] },
  /** §7.4.4.1 / §8.4.4.1. */
  CMPP_QUERY: {
    id: CMPP_COMMAND_IDS.CMPP_QUERY,
    body: [
      octets('time', 8, 'Time'),
      u8('queryType', 'Query_Type'),
      octets('queryCode', 10, 'Query_Code'),
      withDefault(octets('reserve', 8, 'Reserve'), ''),
    ],
  },
  /** §7.4.4.2 / §8.4.4.2. */
  CMPP_QUERY_RESP: {
    id: CMPP_COMMAND_IDS.CMPP_QUERY_RESP,
    body: [
      octets('time', 8, 'Time'),
      u8('queryType', 'Query_Type'),
      octets('queryCode', 10, 'Query_Code'),
      u32('mtTlmsg', 'MT_TLMsg'),
      u32('mtTlusr', 'MT_Tlusr'),
      u32('mtScs', 'MT_Scs'),
      u32('mtWt', 'MT_WT'),
      u32('mtFl', 'MT_FL'),
      u32('moScs', 'MO_Scs'),
      u32('moWt', 'MO_WT'),
      u32('moFl', 'MO_FL'),
    ],
  },
  /** §7.4.6.1 / §8.4.6.1. */
  CMPP_CANCEL: { id: CMPP_COMMAND_IDS.CMPP_CANCEL, body: [u64('msgId', 'Msg_Id')] },
  /** §7.4.7 / §8.4.7 — the request has no body, the response one Reserved octet. */
  CMPP_ACTIVE_TEST: { id: CMPP_COMMAND_IDS.CMPP_ACTIVE_TEST, body: [] },
  CMPP_ACTIVE_TEST_RESP: {
    id: CMPP_COMMAND_IDS.CMPP_ACTIVE_TEST_RESP,
    body: [withDefault(u8('reserved', 'Reserved'), 0)],
  },
} as const;

/** Bodies whose Status / Result width differs by version. */
function responses<
  R extends UintField<'status'>,
  S extends UintField<'result'>,
  T extends UintField<'successId'>,
>(status: R, result: S, successId: T) {
  return {
    /** §7.4.1.2 / §8.4.1.2 — AuthenticatorISMG is all zero when authentication fails. */
    CMPP_CONNECT_RESP: {
      id: CMPP_COMMAND_IDS.CMPP_CONNECT_RESP,
      body: [status, bytes('authenticatorIsmg', 16, 'AuthenticatorISMG'), u8('version', 'Version')],
    },
    /** §7.4.3.2 / §8.4.3.2. */
    CMPP_SUBMIT_RESP: { id: CMPP_COMMAND_IDS.CMPP_SUBMIT_RESP, body: [u64('msgId', 'Msg_Id'), result] },
    /** §7.4.5.2 / §8.4.5.2. */
    CMPP_DELIVER_RESP: { id: CMPP_COMMAND_IDS.CMPP_DELIVER_RESP, body: [u64('msgId', 'Msg_Id'), result] },
    /** §7.4.6.2 / §8.4.6.2 — 0 success, 1 failure. */
    CMPP_CANCEL_RESP: { id: CMPP_COMMAND_IDS.CMPP_CANCEL_RESP, body: [successId] },
  } as const;
}

/** SUBMIT fields 1–18, the same in both versions but for Fee_terminal_Id's width and type (docs/protocols.md §1.4). */
function submitHead(terminalId: number) {
  return {
    first: [
      u64('msgId', 'Msg_Id'),
      u8('pkTotal', 'Pk_total'),
      u8('pkNumber', 'Pk_number'),
      u8('registeredDelivery', 'Registered_Delivery'),
      u8('msgLevel', 'Msg_level'),
      octets('serviceId', 10, 'Service_Id'),
      u8('feeUserType', 'Fee_UserType'),
      octets('feeTerminalId', terminalId, 'Fee_terminal_Id'),
    ],
    second: [
      u8('tpPid', 'TP_pId'),
      u8('tpUdhi', 'TP_udhi'),
      u8('msgFmt', 'Msg_Fmt'),
      octets('msgSrc', 6, 'Msg_src'),
      octets('feeType', 2, 'FeeType'),
      octets('feeCode', 6, 'FeeCode'),
      octets('valIdTime', 17, 'ValId_Time'),
      octets('atTime', 17, 'At_Time'),
      octets('srcId', 21, 'Src_Id'),
      lengthOf('destUsrTl', 1, 'DestUsr_tl'),
    ],
  } as const;
}

const head2 = submitHead(TERMINAL_ID.cmpp2);
const head3 = submitHead(TERMINAL_ID.cmpp3);
const msgContent = [
  lengthOf('msgLength', 1, 'Msg_Length'),
  bytesWithLength('msgContent', 'msgLength', { spec: 'Msg_Content' }),
] as const;

/** CMPP 2.0 (spec V2.0, 2002): SUBMIT §7.4.3.1, DELIVER §7.4.5.1. */
export const CMPP2 = defineProtocol({
  protocol: 'cmpp2',
  lengthSpec: 'Total_Length',
  commandSpec: 'Command_Id',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    ...common,
    ...responses(
      resultField.cmpp2('status', 'Status'),
      resultField.cmpp2('result', 'Result'),
      resultField.cmpp2('successId', 'Success_Id'),
    ),
    CMPP_SUBMIT: {
      id: CMPP_COMMAND_IDS.CMPP_SUBMIT,
      body: [
        ...head2.first,
        ...head2.second,
        list('destTerminalId', 'destUsrTl', octets('destTerminalId', TERMINAL_ID.cmpp2), {
          spec: 'Dest_terminal_Id',
          max: MAX_DEST,
        }),
        ...msgContent,
        withDefault(octets('reserve', 8, 'Reserve'), ''),
      ],
    },
    CMPP_DELIVER: {
      id: CMPP_COMMAND_IDS.CMPP_DELIVER,
      body: [
        u64('msgId', 'Msg_Id'),
        octets('destId', 21, 'Dest_Id'),
        octets('serviceId', 10, 'Service_Id'),
        u8('tpPid', 'TP_pid'),
        u8('tpUdhi', 'TP_udhi'),
        u8('msgFmt', 'Msg_Fmt'),
        octets('srcTerminalId', TERMINAL_ID.cmpp2, 'Src_terminal_Id'),
        u8('registeredDelivery', 'Registered_Delivery'),
        ...msgContent,
        withDefault(octets('reserved', 8, 'Reserved'), ''),
      ],
    },
  },
});

/** CMPP 3.0 (spec V3.0.0): SUBMIT §8.4.3.1, DELIVER §8.4.5.1. */
export const CMPP3 = defineProtocol({
  protocol: 'cmpp3',
  lengthSpec: 'Total_Length',
  commandSpec: 'Command_Id',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    ...common,
    ...responses(
      resultField.cmpp3('status', 'Status'),
      resultField.cmpp3('result', 'Result'),
      resultField.cmpp3('successId', 'Success_Id'),
    ),
    CMPP_SUBMIT: {
      id: CMPP_COMMAND_IDS.CMPP_SUBMIT,
      body: [
        ...head3.first,
        withDefault(u8('feeTerminalType', 'Fee_terminal_type'), 0),
        ...head3.second,
        list('destTerminalId', 'destUsrTl', octets('destTerminalId', TERMINAL_ID.cmpp3), {
          spec: 'Dest_terminal_Id',
          max: MAX_DEST,
        }),
        withDefault(u8('destTerminalType', 'Dest_terminal_type'), 0),
        ...msgContent,
        withDefault(octets('linkId', 20, 'LinkID'), ''),
      ],
    },
    CMPP_DELIVER: {
      id: CMPP_COMMAND_IDS.CMPP_DELIVER,
      body: [
        u64('msgId', 'Msg_Id'),
        octets('destId', 21, 'Dest_Id'),
        octets('serviceId', 10, 'Service_Id'),
        u8('tpPid', 'TP_pid'),
        u8('tpUdhi', 'TP_udhi'),
        u8('msgFmt', 'Msg_Fmt'),
        octets('srcTerminalId', TERMINAL_ID.cmpp3, 'Src_terminal_Id'),
        withDefault(u8('srcTerminalType', 'Src_terminal_type'), 0),
        u8('registeredDelivery', 'Registered_Delivery'),
        ...msgContent,
        withDefault(octets('linkId', 20, 'LinkID'), ''),
      ],
    },
  },
});

export const CMPP_PROTOCOLS = { cmpp2: CMPP2, cmpp3: CMPP3 } as const;
