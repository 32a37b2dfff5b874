/**
 * SMPP 3.4 code tables: command_status (§5.1.3; docs/protocols.md §4.5) with whether a refusal is worth
 * retrying, esm_class and registered_delivery bits (§5.2.12, §5.2.17), data_coding (§5.2.19;
 * docs/protocols.md §6.1) and message_state (§5.2.28; docs/protocols.md §4.6, §7).
 */
import type { DecodableCoding, TextCoding } from '../../domain/text/index.js';

export interface CommandStatus {
  name: string;
  zh: string;
  en: string;
  /** The SMSC may take the same PDU later: flow control, a full queue, a passing system error. */
  temporary: boolean;
}

const s = (name: string, zh: string, en: string, temporary = false): CommandStatus => ({
  name,
  zh,
  en,
  temporary,
});

/** command_status values of §5.1.3 (docs/protocols.md §4.5). */
export const COMMAND_STATUS: Readonly<Record<number, CommandStatus>> = {
  0x00: s('ESME_ROK', '成功', 'OK'),
  0x01: s('ESME_RINVMSGLEN', '消息长度无效', 'message length is invalid'),
  0x02: s('ESME_RINVCMDLEN', '命令长度无效', 'command length is invalid'),
  0x03: s('ESME_RINVCMDID', '命令标识无效', 'invalid command ID'),
  0x04: s('ESME_RINVBNDSTS', '绑定状态不允许此命令', 'incorrect bind status for the command'),
  0x05: s('ESME_RALYBND', '已绑定', 'ESME already in bound state'),
  0x06: s('ESME_RINVPRTFLG', '优先级标志无效', 'invalid priority flag'),
  0x07: s('ESME_RINVREGDLVFLG', '状态报告标志无效', 'invalid registered delivery flag'),
  0x08: s('ESME_RSYSERR', '系统错误', 'system error', true),
  0x0a: s('ESME_RINVSRCADR', '源地址无效', 'invalid source address'),
  0x0b: s('ESME_RINVDSTADR', '目的地址无效', 'invalid destination address'),
  0x0c: s('ESME_RINVMSGID', '消息标识无效', 'message ID is invalid'),
  0x0d: s('ESME_RBINDFAIL', '绑定失败', 'bind failed'),
  0x0e: s('ESME_RINVPASWD', '密码错误', 'invalid password'),
  0x0f: s('ESME_RINVSYSID', '系统标识无效', 'invalid system ID'),
  0x11: s('ESME_RCANCELFAIL', '取消失败', 'cancel SM failed'),
  0x13: s('ESME_RREPLACEFAIL', '替换失败', 'replace SM failed'),
  0x14: s('ESME_RMSGQFUL', '消息队列已满', 'message queue full', true),
  0x15: s('ESME_RINVSERTYP', '业务类型无效', 'invalid service type'),
  0x33: s('ESME_RINVNUMDESTS', '目的地址数无效', 'invalid number of destinations'),
  0x34: s('ESME_RINVDLNAME', '分发列表名无效', 'invalid distribution list name'),
  0x40: s('ESME_RINVDESTFLAG', '目的标志无效', 'destination flag is invalid'),
  0x42: s('ESME_RINVSUBREP', '提交替换标志无效', 'invalid submit with replace request'),
  0x43: s('ESME_RINVESMCLASS', 'esm_class 无效', 'invalid esm_class field data'),
  0x44: s('ESME_RCNTSUBDL', '无法提交到分发列表', 'cannot submit to distribution list'),
  0x45: s('ESME_RSUBMITFAIL', '提交失败', 'submit_sm or submit_multi failed'),
  0x48: s('ESME_RINVSRCTON', '源地址 TON 无效', 'invalid source address TON'),
  0x49: s('ESME_RINVSRCNPI', '源地址 NPI 无效', 'invalid source address NPI'),
  0x50: s('ESME_RINVDSTTON', '目的地址 TON 无效', 'invalid destination address TON'),
  0x51: s('ESME_RINVDSTNPI', '目的地址 NPI 无效', 'invalid destination address NPI'),
  0x53: s('ESME_RINVSYSTYP', '系统类型无效', 'invalid system_type field'),
  0x54: s('ESME_RINVREPFLAG', '替换标志无效', 'invalid replace_if_present flag'),
  0x55: s('ESME_RINVNUMMSGS', '消息数无效', 'invalid number of messages'),
  0x58: s('ESME_RTHROTTLED', '流量控制', 'throttling error: ESME exceeded allowed message limits', true),
  0x61: s('ESME_RINVSCHED', '定时时间无效', 'invalid scheduled delivery time'),
  0x62: s('ESME_RINVEXPIRY', '有效期无效', 'invalid message validity period'),
  0x63: s('ESME_RINVDFTMSGID', '预定义消息无效', 'predefined message invalid or not found'),
  0x64: s('ESME_RX_T_APPN', '接收方临时错误', 'ESME receiver temporary app error', true),
  0x65: s('ESME_RX_P_APPN', '接收方永久错误', 'ESME receiver permanent app error'),
  0x66: s('ESME_RX_R_APPN', '接收方拒绝消息', 'ESME receiver reject message error'),
  0x67: s('ESME_RQUERYFAIL', '查询失败', 'query_sm request failed'),
  0xc0: s('ESME_RINVOPTPARSTREAM', '可选参数段错误', 'error in the optional part of the PDU body'),
  0xc1: s('ESME_ROPTPARNOTALLWD', '不允许的可选参数', 'optional parameter not allowed'),
  0xc2: s('ESME_RINVPARLEN', '参数长度无效', 'invalid parameter length'),
  0xc3: s('ESME_RMISSINGOPTPARAM', '缺少必需的可选参数', 'expected optional parameter missing'),
  0xc4: s('ESME_RINVOPTPARAMVAL', '可选参数值无效', 'invalid optional parameter value'),
  0xfe: s('ESME_RDELIVERYFAILURE', '投递失败', 'delivery failure'),
  0xff: s('ESME_RUNKNOWNERR', '未知错误', 'unknown error'),
};

/** Named statuses the gateway and simulator send or branch on. */
export const STATUS = {
  ok: 0x00,
  invalidMessageLength: 0x01,
  invalidCommandLength: 0x02,
  invalidCommandId: 0x03,
  invalidBindStatus: 0x04,
  alreadyBound: 0x05,
  systemError: 0x08,
  invalidSourceAddress: 0x0a,
  invalidDestAddress: 0x0b,
  invalidPassword: 0x0e,
  invalidSystemId: 0x0f,
  queueFull: 0x14,
  invalidServiceType: 0x15,
  invalidEsmClass: 0x43,
  submitFailed: 0x45,
  throttled: 0x58,
  receiverRejected: 0x66,
  queryFailed: 0x67,
  invalidParamValue: 0xc4,
} as const;

/** The status entry, or a reserved / vendor one (docs/protocols.md §4.5: "never crash on them"). */
export function commandStatusOf(status: number): CommandStatus {
  return (
    COMMAND_STATUS[status] ??
    s(
      `0x${status.toString(16).padStart(8, '0')}`,
      status >= 0x400 && status <= 0x4ff ? 'SMSC 自定义错误' : '保留错误码',
      status >= 0x400 && status <= 0x4ff ? 'SMSC vendor-specific error' : 'reserved status',
    )
  );
}

/** `ESME_RTHROTTLED 流量控制 throttling error…` for logs and outcomes. */
export function commandStatusReason(status: number): string {
  const c = commandStatusOf(status);
  return `${c.name} ${c.zh} ${c.en}`;
}

/** Outcome code of a carrier status: `SMPP:0x58`. */
export const statusCode = (status: number): string => `SMPP:0x${status.toString(16).padStart(2, '0')}`;

/** esm_class bits (§5.2.12). */
export const ESM_CLASS = {
  /** short_message starts with a UDH (GSM 03.40 TP-UDHI). */
  udhi: 0x40,
  /** Bits 5–2: message type. */
  typeMask: 0x3c,
  /** Message type "SMSC delivery receipt" (deliver_sm). */
  receipt: 0x04,
} as const;

export const isReceipt = (esmClass: number): boolean => (esmClass & ESM_CLASS.typeMask) === ESM_CLASS.receipt;

/** registered_delivery bits 1–0 = 1: a receipt on success or failure (§5.2.17). */
export const REGISTERED_DELIVERY_RECEIPT = 0x01;

/** data_coding values (§5.2.19; docs/protocols.md §6.1). */
export const DATA_CODING = {
  smscDefault: 0,
  ia5: 1,
  binary: 2,
  latin1: 3,
  octets: 4,
  ucs2: 8,
  gb: 15,
} as const;

/** data_coding of an outgoing segment: GSM 7-bit unpacked is the SMSC default alphabet (docs/protocols.md §6.1). */
export function dataCodingOf(coding: TextCoding): number {
  switch (coding) {
    case 'gsm7':
      return DATA_CODING.smscDefault;
    case 'ucs2':
      return DATA_CODING.ucs2;
    case 'ascii':
      // Not chosen on SMPP routes (the `gsm` profile), but Latin-1 carries it unchanged.
      return DATA_CODING.latin1;
  }
}

/**
 * How to read received text by data_coding: 0 GSM 7-bit unpacked, 1 IA5 and 3 Latin-1 as
 * single-byte text, 8 UCS-2, 0xF0–0xF3 GSM 7-bit with a message class (bit 2 clear, §5.2.19), and
 * 15 as GB18030 — reserved in SMPP, but Chinese SMSCs use it as their carriers' GBK (docs/protocols.md §6.1).
 * Anything else (binary 2/4, 0xF4–0xF7, …) comes out as hex.
 */
export function codingOfDataCoding(dataCoding: number): DecodableCoding {
  if (dataCoding >= 0xf0) return (dataCoding & 0x04) === 0 ? 'gsm7' : 'binary';
  switch (dataCoding) {
    case DATA_CODING.smscDefault:
      return 'gsm7';
    case DATA_CODING.ia5:
    case DATA_CODING.latin1:
      return 'ascii';
    case DATA_CODING.ucs2:
      return 'ucs2';
    case DATA_CODING.gb:
      return 'gbk';
    default:
      return 'binary';
  }
}

/** message_state (§5.2.28) → the receipt `stat` text it stands for (docs/protocols.md §7). */
export const MESSAGE_STATE_STAT: Readonly<Record<number, string>> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

/** The stat texts the simulator writes, and the message_state each goes with. */
export const STAT_MESSAGE_STATE = { DELIVRD: 2, UNDELIV: 5 } as const;
