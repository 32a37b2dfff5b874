/**
 * SGIP 1.2 (China Unicom) PDUs as field tables (protocols docs/protocols.md §2; SGIP 1.2 spec §4.2 and §4.4,
 * command ids §5.1). One table: SGIP has a single version on the wire.
 *
 * The 20-octet header is Message Length, Command ID and the 12-octet Sequence Number, which is three
 * uint32 sent in order (§3.4, §4.2.1; docs/protocols.md §2.1): the source node id, the creation time as the decimal
 * number mmddhhmmss, and a counter. The node id of an SP (`3AAAAQQQQQ`, §3.3) only fits an unsigned
 * 32-bit integer, which `u32` is. The engine knows flat fields only, so each triple (the header's,
 * and the SubmitSequenceNumber of REPORT and TRACE) is three `u32` fields; sequence.ts joins them.
 */
import { bytes, bytesWithLength, lengthOf, list, octets, u32, u8, withDefault } from '../codec/fields.js';
import { defineProtocol } from '../codec/protocol.js';

/** Command IDs (§5.1; docs/protocols.md §2.2); a response is the request | 0x80000000. */
export const SGIP_COMMAND_IDS = {
  SGIP_BIND: 0x00000001,
  SGIP_BIND_RESP: 0x80000001,
  SGIP_UNBIND: 0x00000002,
  SGIP_UNBIND_RESP: 0x80000002,
  SGIP_SUBMIT: 0x00000003,
  SGIP_SUBMIT_RESP: 0x80000003,
  SGIP_DELIVER: 0x00000004,
  SGIP_DELIVER_RESP: 0x80000004,
  SGIP_REPORT: 0x00000005,
  SGIP_REPORT_RESP: 0x80000005,
  SGIP_TRACE: 0x00001000,
  SGIP_TRACE_RESP: 0x80001000,
} as const;

/** Message Length + Command ID + Sequence Number (§4.2.2). */
export const SGIP_HEADER_SIZE = 20;

/**
 * Largest Message Length accepted (docs/protocols.md §0: "about 4096"). A SUBMIT to 100 users with 160 octets
 * of content is 2,407 octets.
 */
const MAX_LENGTH = 4096;

/** UserCount is 1..100 (§4.2.3.3.1). */
export const MAX_USERS = 100;

/** Sequence Number (§3.4, §4.2.2): node id, mmddhhmmss, counter. */
const header = [
  u32('sequenceNode', 'Sequence Number[node]'),
  u32('sequenceTime', 'Sequence Number[time]'),
  u32('sequenceCounter', 'Sequence Number[counter]'),
] as const;

/** The SubmitSequenceNumber of REPORT and TRACE: the triple of the SUBMIT they are about. */
const submitSequence = [
  u32('submitSequenceNode', 'SubmitSequenceNumber[node]'),
  u32('submitSequenceTime', 'SubmitSequenceNumber[time]'),
  u32('submitSequenceCounter', 'SubmitSequenceNumber[counter]'),
] as const;

const reserve = withDefault(octets('reserve', 8, 'Reserve'), '');

/** Bind_Resp, Submit_Resp, Deliver_Resp, Report_Resp: Result 1 + Reserve 8 (§4.2.3.1.2–§4.2.3.5.2). */
const resultBody = [u8('result', 'Result'), reserve] as const;

/** MessageLength is 4 octets in SGIP, unlike CMPP and SMGP (docs/protocols.md §5). */
const messageContent = [
  lengthOf('messageLength', 4, 'MessageLength'),
  bytesWithLength('messageContent', 'messageLength', { spec: 'MessageContent' }),
] as const;

/** One TRACE_RESP entry (§4.4.2): Result 1, NodeId 6, ReceiveTime 16, SendTime 16, Reserve 8. */
export const TRACE_ENTRY = [
  u8('result', 'Result'),
  octets('nodeId', 6, 'NodeId'),
  octets('receiveTime', 16, 'ReceiveTime'),
  octets('sendTime', 16, 'SendTime'),
  reserve,
] as const;
export const TRACE_ENTRY_SIZE = 47;

export const SGIP = defineProtocol({
  protocol: 'sgip',
  lengthSpec: 'Message Length',
  commandSpec: 'Command ID',
  header,
  maxLength: MAX_LENGTH,
  commands: {
    /** §4.2.3.1.1 — 41 octets; the password travels in clear (docs/protocols.md §2.3). */
    SGIP_BIND: {
      id: SGIP_COMMAND_IDS.SGIP_BIND,
      body: [
        u8('loginType', 'Login Type'),
        octets('loginName', 16, 'Login Name'),
        octets('loginPassword', 16, 'Login Password'),
        reserve,
      ],
    },
    SGIP_BIND_RESP: { id: SGIP_COMMAND_IDS.SGIP_BIND_RESP, body: resultBody },
    /** §4.2.3.2 — no body either way. */
    SGIP_UNBIND: { id: SGIP_COMMAND_IDS.SGIP_UNBIND, body: [] },
    SGIP_UNBIND_RESP: { id: SGIP_COMMAND_IDS.SGIP_UNBIND_RESP, body: [] },
    /** §4.2.3.3.1 (docs/protocols.md §2.3 Submit). */
    SGIP_SUBMIT: {
      id: SGIP_COMMAND_IDS.SGIP_SUBMIT,
      body: [
        octets('spNumber', 21, 'SPNumber'),
        octets('chargeNumber', 21, 'ChargeNumber'),
        lengthOf('userCount', 1, 'UserCount'),
        list('userNumber', 'userCount', octets('userNumber', 21), { spec: 'UserNumber', max: MAX_USERS }),
        octets('corpId', 5, 'CorpId'),
        octets('serviceType', 10, 'ServiceType'),
        u8('feeType', 'FeeType'),
        octets('feeValue', 6, 'FeeValue'),
        octets('givenValue', 6, 'GivenValue'),
        u8('agentFlag', 'AgentFlag'),
        u8('morelatetoMtFlag', 'MorelatetoMTFlag'),
        u8('priority', 'Priority'),
        octets('expireTime', 16, 'ExpireTime'),
        octets('scheduleTime', 16, 'ScheduleTime'),
        u8('reportFlag', 'ReportFlag'),
        u8('tpPid', 'TP_pid'),
        u8('tpUdhi', 'TP_udhi'),
        u8('messageCoding', 'MessageCoding'),
        u8('messageType', 'MessageType'),
        ...messageContent,
        reserve,
      ],
    },
    SGIP_SUBMIT_RESP: { id: SGIP_COMMAND_IDS.SGIP_SUBMIT_RESP, body: resultBody },
    /** §4.2.3.4.1 — SMG → SP: an uplink message. */
    SGIP_DELIVER: {
      id: SGIP_COMMAND_IDS.SGIP_DELIVER,
      body: [
        octets('userNumber', 21, 'UserNumber'),
        octets('spNumber', 21, 'SPNumber'),
        u8('tpPid', 'TP_pid'),
        u8('tpUdhi', 'TP_udhi'),
        u8('messageCoding', 'MessageCoding'),
        ...messageContent,
        reserve,
      ],
    },
    SGIP_DELIVER_RESP: { id: SGIP_COMMAND_IDS.SGIP_DELIVER_RESP, body: resultBody },
    /** §4.2.3.5.1 — 44 octets: the state of an earlier SUBMIT, named by its sequence triple. */
    SGIP_REPORT: {
      id: SGIP_COMMAND_IDS.SGIP_REPORT,
      body: [
        ...submitSequence,
        u8('reportType', 'ReportType'),
        octets('userNumber', 21, 'UserNumber'),
        u8('state', 'State'),
        u8('errorCode', 'ErrorCode'),
        reserve,
      ],
    },
    SGIP_REPORT_RESP: { id: SGIP_COMMAND_IDS.SGIP_REPORT_RESP, body: resultBody },
    /** §4.4.1 — where a SUBMIT went, node by node (sent on the test port, docs/protocols.md §2). */
    SGIP_TRACE: {
      id: SGIP_COMMAND_IDS.SGIP_TRACE,
      body: [...submitSequence, octets('userNumber', 21, 'UserNumber'), reserve],
    },
    /** §4.4.2 — Count, then Count entries of TRACE_ENTRY, kept as raw 47-octet items (trace.ts reads them). */
    SGIP_TRACE_RESP: {
      id: SGIP_COMMAND_IDS.SGIP_TRACE_RESP,
      body: [
        lengthOf('count', 1, 'Count'),
        list('entries', 'count', bytes('entry', TRACE_ENTRY_SIZE), { spec: 'Entries' }),
      ],
    },
  },
});
