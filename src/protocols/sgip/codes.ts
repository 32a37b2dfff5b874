/**
 * SGIP 1.2 code tables: Login Type (§4.2.3.1.1), MessageCoding (§4.2.3.3.1; docs/protocols.md §6.1),
 * ReportFlag, Report State (§4.2.3.5.1, §5.4), and the Result / ErrorCode table (§5.2; docs/protocols.md §2.4)
 * with a Chinese and an English meaning and whether the condition passes (worth retrying).
 */
import type { DecodableCoding, TextCoding } from '../../domain/text/index.js';

/** Login Type of SGIP_BIND (§4.2.3.1.1). */
export const LOGIN_TYPE = {
  spToSmg: 1,
  smgToSp: 2,
  smgToSmg: 3,
  smgToGns: 4,
  gnsToSmg: 5,
  gnsToGns: 6,
  test: 11,
} as const;

/** MessageCoding (§4.2.3.3.1): 0 ASCII, 3 SIM write, 4 binary, 8 UCS-2, 15 GBK. */
export const MESSAGE_CODING = { ascii: 0, simWrite: 3, binary: 4, ucs2: 8, gbk: 15 } as const;

/** MessageCoding of an outgoing segment: CN links carry 7-bit text as 8-bit ASCII (docs/protocols.md §6.1). */
export function messageCodingOf(coding: TextCoding): number {
  return coding === 'ucs2' ? MESSAGE_CODING.ucs2 : MESSAGE_CODING.ascii;
}

/** How to read received content: 15 as GB18030, a superset of GBK (docs/protocols.md §6.1); 3, 4 and others as hex. */
export function codingOfMessageCoding(messageCoding: number): DecodableCoding {
  switch (messageCoding) {
    case MESSAGE_CODING.ascii:
      return 'ascii';
    case MESSAGE_CODING.ucs2:
      return 'ucs2';
    case MESSAGE_CODING.gbk:
      return 'gbk';
    default:
      return 'binary';
  }
}

/** ReportFlag of SUBMIT (§4.2.3.3.1); the spec's default 0 reports failures only (docs/protocols.md §9 item 4). */
export const REPORT_FLAG = { errorOnly: 0, always: 1, none: 2, billingOnly: 3 } as const;

/** FeeType (§5.3): 1 = free to the charged number. */
export const FEE_TYPE = { channelOnly: 0, free: 1, perMessage: 2, monthly: 3, bySp: 4 } as const;

/** MorelatetoMTFlag (§4.2.3.3.1): 2 = an MT not caused by an MO (a notice). */
export const MORELATETO_MT = { firstAfterMo: 0, laterAfterMo: 1, notFromMo: 2, systemFeedback: 3 } as const;

/** ReportType (§4.2.3.5.1): 0 reports on a SUBMIT, 1 on a forwarded DELIVER. */
export const REPORT_TYPE = { submit: 0, deliver: 1 } as const;

/** Report State (§4.2.3.5.1) and the short-message states it stands for (§5.4). */
export const REPORT_STATE = { delivered: 0, waiting: 1, failed: 2 } as const;

/** ChargeNumber of 21 zeros: the SP pays (§4.2.3.3.1) — 12333 messages are a public service. */
export const SP_PAYS = '0'.repeat(21);

export interface SgipCode {
  zh: string;
  en: string;
  /** The condition passes (flow control, a busy or failing node): the same request may succeed later. */
  temporary: boolean;
}

const permanent = (zh: string, en: string): SgipCode => ({ zh, en, temporary: false });
const temporary = (zh: string, en: string): SgipCode => ({ zh, en, temporary: true });

/**
 * Result of the responses (§5.2: "codes 1–20 are generally used in responses"). 12 is from the
 * spec's table, 13 from bromine0x23/sgip (docs/protocols.md §2.4).
 */
export const SGIP_RESULTS: Readonly<Record<number, SgipCode>> = {
  0: permanent('无错误，命令正确接收', 'OK'),
  1: permanent('非法登录', 'illegal login'),
  2: permanent('重复登录', 'repeated bind on one connection'),
  3: temporary('连接过多', 'too many connections'),
  4: permanent('登录类型错', 'bad login type'),
  5: permanent('参数格式错', 'bad parameter format'),
  6: permanent('非法手机号码', 'illegal phone number'),
  7: permanent('消息ID错', 'bad command id'),
  8: permanent('信息长度错', 'bad message length'),
  9: permanent('非法序列号', 'illegal or duplicate sequence number'),
  10: permanent('非法操作GNS', 'illegal GNS operation'),
  11: temporary('节点忙', 'node busy'),
  12: permanent('终端的原因导致接收失败', 'terminal could not receive'),
  13: permanent('业务代码未分配', 'service code not allocated'),
};

/**
 * ErrorCode of a REPORT with State 2 (§5.2: "codes 21–32 are generally used in reports"). A
 * destination that is only temporarily unreachable (21), a failing system (32), full queues (33)
 * and volume limits (52, 61) are the conditions that pass.
 */
export const SGIP_REPORT_ERRORS: Readonly<Record<number, SgipCode>> = {
  21: temporary('目的地址不可达', 'destination temporarily unreachable'),
  22: permanent('路由错', 'routing error'),
  23: permanent('路由不存在', 'route does not exist'),
  24: permanent('计费号码无效', 'invalid charge number'),
  25: permanent('用户不能通信', 'user cannot be reached (switched off, out of coverage)'),
  26: permanent('手机内存不足', 'handset memory full'),
  27: permanent('手机不支持短消息', 'handset does not support SMS'),
  28: permanent('手机接收短消息出现错误', 'handset receive error'),
  29: permanent('不知道的用户', 'unknown user'),
  30: permanent('不提供此功能', 'function not provided'),
  31: permanent('非法设备', 'illegal equipment'),
  32: temporary('系统失败', 'system failure'),
  33: temporary('短信中心队列满', 'SMSC queue full'),
  52: temporary('被异网网关拒绝（发送量过大）', 'rejected by the other network (volume too high)'),
  61: temporary('发送过快', 'sending too fast'),
  97: permanent('黑名单', 'blacklisted'),
};

/** Result values our own answers carry. */
export const RESULT = {
  ok: 0,
  illegalLogin: 1,
  repeatedBind: 2,
  badLoginType: 4,
  badParameter: 5,
  illegalNumber: 6,
  badCommand: 7,
  badLength: 8,
  /** We could not take it now (the store failed): the SMG sends it again (§5.2 code 11). */
  nodeBusy: 11,
} as const;

/** Either table: a response may carry a report-range code and the other way round (§5.2 "generally"). */
export function sgipCode(code: number): SgipCode | undefined {
  return SGIP_RESULTS[code] ?? SGIP_REPORT_ERRORS[code];
}

/** Whether a non-zero Result is worth retrying: flow control, a busy or failing node. */
export function isTemporaryResult(code: number): boolean {
  return sgipCode(code)?.temporary ?? false;
}

/** "<zh> <en>" for logs and outcome reasons; codes the spec leaves undefined are "other". */
export function sgipCodeReason(code: number): string {
  const c = sgipCode(code) ?? { zh: '其它错误', en: 'other error' };
  return `${c.zh} ${c.en}`;
}
