/**
 * SMGP code tables: MsgFormat (protocols docs/protocols.md §3.4, §6.1), the Status of every response
 * (§6.2.6; docs/protocols.md §3.9) with the ones worth retrying, and the Err of a status report (§6.2.63.1;
 * docs/protocols.md §3.5), each with a Chinese and English reason for logs and outcomes.
 */
import type { DecodableCoding, TextCoding } from '../../domain/text/index.js';

/** MsgFormat values we send and read. The spec suggests 15 for text; 8 is what carriers take. */
export const MSG_FORMAT = { ascii: 0, binary: 4, ucs2: 8, gb18030: 15 } as const;

/** MsgFormat of an outgoing segment: CN links carry 7-bit text as unpacked 8-bit ASCII. */
export function msgFormatOf(coding: TextCoding): number {
  return coding === 'ucs2' ? MSG_FORMAT.ucs2 : MSG_FORMAT.ascii;
}

/** How to read received content: 0 ASCII, 8 UCS-2, 15 GB18030; anything else as hex. */
export function codingOfMsgFormat(msgFormat: number): DecodableCoding {
  switch (msgFormat) {
    case MSG_FORMAT.ascii:
      return 'ascii';
    case MSG_FORMAT.ucs2:
      return 'ucs2';
    case MSG_FORMAT.gb18030:
      // The text codec decodes its 'gbk' coding with GB18030, the superset (docs/protocols.md §6.1).
      return 'gbk';
    default:
      return 'binary';
  }
}

/** Login LoginMode (§5.2.2.1; docs/protocols.md §3.3): what the connection may carry. */
export const LOGIN_MODE = { send: 0, receive: 1, transmit: 2 } as const;

/** ClientVersion / ServerVersion of SMGP 3.0; the high nibble is the major version (docs/protocols.md §3.3). */
export const SMGP_VERSION_BYTE = 0x30;

/** Versions 1.x and 2.x (0x13, 0x20) use the Submit layout without FixedFee (docs/protocols.md §3.4). */
export const legacyVersion = (versionByte: number): boolean =>
  versionByte >> 4 === 1 || versionByte >> 4 === 2;

interface Reason {
  zh: string;
  en: string;
}

/** Status of Login_Resp, Submit_Resp, Deliver_Resp and the others (§6.2.6). */
export const SMGP_STATUS: Readonly<Record<number, Reason>> = {
  0: { zh: '成功', en: 'OK' },
  1: { zh: '系统忙', en: 'system busy' },
  2: { zh: '超过最大连接数', en: 'too many connections' },
  10: { zh: '消息结构错', en: 'bad message structure' },
  11: { zh: '命令字错', en: 'bad command word' },
  12: { zh: '序列号重复', en: 'duplicate sequence number' },
  20: { zh: 'IP地址错', en: 'bad IP address' },
  21: { zh: '认证错', en: 'authentication error' },
  22: { zh: '版本太高', en: 'version too high' },
  30: { zh: '非法消息类型（MsgType）', en: 'bad MsgType' },
  31: { zh: '非法优先级（Priority）', en: 'bad Priority' },
  32: { zh: '非法资费类型（FeeType）', en: 'bad FeeType' },
  33: { zh: '非法资费代码（FeeCode）', en: 'bad FeeCode' },
  34: { zh: '非法短消息格式（MsgFormat）', en: 'bad MsgFormat' },
  35: { zh: '非法时间格式', en: 'bad time format' },
  36: { zh: '非法短消息长度（MsgLength）', en: 'bad MsgLength' },
  37: { zh: '有效期已过', en: 'validity period expired' },
  38: { zh: '非法查询类别（QueryType）', en: 'bad QueryType' },
  39: { zh: '路由错误', en: 'routing error' },
  40: { zh: '非法包月费/封顶费（FixedFee）', en: 'bad FixedFee' },
  41: { zh: '非法更新类型（UpdateType）', en: 'bad UpdateType' },
  42: { zh: '非法路由编号（RouteId）', en: 'bad RouteId' },
  43: { zh: '非法服务代码（ServiceId）', en: 'bad ServiceId' },
  44: { zh: '非法有效期（ValidTime）', en: 'bad ValidTime' },
  45: { zh: '非法定时发送时间（AtTime）', en: 'bad AtTime' },
  46: { zh: '非法发送用户号码（SrcTermId）', en: 'bad SrcTermId' },
  47: { zh: '非法接收用户号码（DestTermId）', en: 'bad DestTermId' },
  48: { zh: '非法计费用户号码（ChargeTermId）', en: 'bad ChargeTermId' },
  49: { zh: '非法SP服务代码（SPCode）', en: 'bad SPCode' },
  56: { zh: '非法源网关代码（SrcGatewayID）', en: 'bad SrcGatewayID' },
  57: { zh: '非法查询号码（QueryTermID）', en: 'bad QueryTermID' },
  58: { zh: '没有匹配路由', en: 'no matching route' },
  59: { zh: '非法SP类型（SPType）', en: 'bad SPType' },
  60: { zh: '非法上一条路由编号（LastRouteID）', en: 'bad LastRouteID' },
  61: { zh: '非法路由类型（RouteType）', en: 'bad RouteType' },
  62: { zh: '非法目标网关代码（DestGatewayID）', en: 'bad DestGatewayID' },
  63: { zh: '非法目标网关IP（DestGatewayIP）', en: 'bad DestGatewayIP' },
  64: { zh: '非法目标网关端口（DestGatewayPort）', en: 'bad DestGatewayPort' },
  65: { zh: '非法路由号码段（TermRangeID）', en: 'bad TermRangeID' },
  66: { zh: '非法终端所属省代码（ProvinceCode）', en: 'bad ProvinceCode' },
  67: { zh: '非法用户类型（UserType）', en: 'bad UserType' },
  68: { zh: '本节点不支持路由更新', en: 'route update not supported here' },
  69: { zh: '非法SP企业代码（SPID）', en: 'bad SPID' },
  70: { zh: '非法SP接入类型（SPAccessType）', en: 'bad SPAccessType' },
  71: { zh: '路由信息更新失败', en: 'route update failed' },
  72: { zh: '非法时间戳（Time）', en: 'bad Time' },
  73: { zh: '非法业务代码（MServiceID）', en: 'bad MServiceID' },
  74: { zh: 'SP禁止下发时段', en: 'SP sending forbidden in this time window' },
  75: { zh: 'SP发送超过日流量', en: 'SP daily volume exceeded' },
  76: { zh: 'SP帐号过有效期', en: 'SP account expired' },
};

/**
 * Submit_Resp Status values that say "not now" rather than "never" (§6.2.6): the SMGW is busy or
 * at its connection limit, or the SP is outside its sending window or over its daily volume — the
 * same part sent later can be taken. SMGP 3.0 has no flow-control code of its own; gateways throttle
 * with 1. Every other non-zero Status is about the part itself and is final.
 */
export const TEMPORARY_STATUSES: ReadonlySet<number> = new Set([1, 2, 74, 75]);

/** Statuses we answer: Login_Resp refusals and Deliver_Resp results. */
export const STATUS = {
  ok: 0,
  systemBusy: 1,
  badStructure: 10,
  badCommand: 11,
  authError: 21,
  versionTooHigh: 22,
  badMsgFormat: 34,
  badMsgLength: 36,
  badDestTermId: 47,
} as const;

export function smgpStatusReason(status: number): string {
  const r =
    SMGP_STATUS[status] ??
    (status >= 128 && status <= 255
      ? { zh: '网关自定义错误', en: 'vendor-defined error' }
      : { zh: '其他错误', en: 'other error' });
  return `${r.zh} ${r.en}`;
}

/** Err of a status report with the Stat the spec pairs it with (§6.2.63.1; docs/protocols.md §3.5). */
export const REPORT_ERR: Readonly<Record<string, Reason & { stat: string }>> = {
  '000': { zh: '成功', en: 'success', stat: 'DELIVRD' },
  '001': { zh: '用户不能通信', en: 'user cannot communicate', stat: 'EXPIRED' },
  '002': { zh: '用户忙', en: 'user busy', stat: 'EXPIRED' },
  '003': { zh: '终端无此部件号', en: 'terminal lacks the component', stat: 'UNDELIV' },
  '004': { zh: '非法用户', en: 'illegal user', stat: 'UNDELIV' },
  '005': { zh: '用户在黑名单内', en: 'blacklisted', stat: 'UNDELIV' },
  '006': { zh: '系统错误', en: 'system error', stat: 'UNDELIV' },
  '007': { zh: '用户内存满', en: 'memory full', stat: 'EXPIRED' },
  '008': { zh: '非信息终端', en: 'not a message terminal', stat: 'UNDELIV' },
  '009': { zh: '数据错误', en: 'data error', stat: 'UNDELIV' },
  '010': { zh: '数据丢失', en: 'data lost', stat: 'UNDELIV' },
  '999': { zh: '未知错误', en: 'unknown', stat: 'UNKNOWN' },
};

/** Err codes that go with UNDELIV, which the simulator picks from for failed messages. */
export const UNDELIV_ERRS: readonly string[] = Object.entries(REPORT_ERR)
  .filter(([, r]) => r.stat === 'UNDELIV')
  .map(([code]) => code);
