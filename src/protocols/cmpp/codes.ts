/**
 * CMPP code tables: Msg_Fmt codings (docs/protocols.md §6.1), CONNECT_RESP Status (docs/protocols.md §1.3) and
 * SUBMIT_RESP / DELIVER_RESP Result (docs/protocols.md §1.5, §1.7), each with a Chinese and English reason
 * for logs and outcomes.
 */
import type { DecodableCoding, TextCoding } from '../../domain/text/index.js';

/** Msg_Fmt values we send and read (docs/protocols.md §6.1). */
export const MSG_FMT = { ascii: 0, binary: 4, ucs2: 8, gb: 15 } as const;

/** Msg_Fmt of an outgoing segment. CN links carry 7-bit text as unpacked 8-bit ASCII (docs/protocols.md §6.1). */
export function msgFmtOf(coding: TextCoding): number {
  return coding === 'ucs2' ? MSG_FMT.ucs2 : MSG_FMT.ascii;
}

/**
 * How to read received content: 0 ASCII, 8 UCS-2, 15 GB (decoded as GB18030, a superset of GBK and
 * GB2312); anything else (binary 4, SIM data 3/0xF6, invalid 0xA8) as hex.
 */
export function codingOfMsgFmt(msgFmt: number): DecodableCoding {
  switch (msgFmt) {
    case MSG_FMT.ascii:
      return 'ascii';
    case MSG_FMT.ucs2:
      return 'ucs2';
    case MSG_FMT.gb:
      return 'gbk';
    default:
      return 'binary';
  }
}

interface Reason {
  zh: string;
  en: string;
}

/** CONNECT_RESP Status (2.0 §7.4.1.2 / 3.0 §8.4.1.2). */
export const CONNECT_STATUS: Readonly<Record<number, Reason>> = {
  0: { zh: '成功', en: 'OK' },
  1: { zh: '消息结构错', en: 'bad message structure' },
  2: { zh: '非法源地址', en: 'illegal source address' },
  3: { zh: '认证错', en: 'authentication error' },
  4: { zh: '版本太高', en: 'version too high' },
};

/** SUBMIT_RESP Result (2.0 §7.4.3.2 / 3.0 §8.4.3.2); 9 means "other error" in 2.0. */
export const SUBMIT_RESULT: Readonly<Record<number, Reason>> = {
  0: { zh: '正确', en: 'OK' },
  1: { zh: '消息结构错', en: 'bad message structure' },
  2: { zh: '命令字错', en: 'bad command word' },
  3: { zh: '消息序号重复', en: 'duplicate sequence number' },
  4: { zh: '消息长度错', en: 'bad message length' },
  5: { zh: '资费代码错', en: 'bad fee code' },
  6: { zh: '超过最大信息长', en: 'exceeds maximum message length' },
  7: { zh: '业务代码错', en: 'bad service code' },
  8: { zh: '流量控制错', en: 'flow control' },
  9: { zh: '本网关不负责服务此计费号码', en: 'charged number not served by this gateway' },
  10: { zh: 'Src_Id错误', en: 'bad Src_Id' },
  11: { zh: 'Msg_src错误', en: 'bad Msg_src' },
  12: { zh: 'Fee_terminal_Id错误', en: 'bad Fee_terminal_Id' },
  13: { zh: 'Dest_terminal_Id错误', en: 'bad Dest_terminal_Id' },
};

/** SUBMIT_RESP Result 8: throttled, worth retrying later (docs/protocols.md §1.5). */
export const RESULT_FLOW_CONTROL = 8;

/** DELIVER_RESP Result (2.0 §7.4.5.2 / 3.0 §8.4.5.2): 0 taken, 1 bad structure, 9 "other" (we failed to store it). */
export const DELIVER_RESULT = { ok: 0, badStructure: 1, other: 9 } as const;

function reasonOf(table: Readonly<Record<number, Reason>>, code: number, fallback: Reason): string {
  const r =
    table[code] ??
    (code >= 100 && code <= 199 ? { zh: '网关自定义错误', en: 'vendor-defined error' } : fallback);
  return `${r.zh} ${r.en}`;
}

export const connectStatusReason = (status: number): string =>
  reasonOf(CONNECT_STATUS, status, { zh: '其他错误', en: 'other error' });
export const submitResultReason = (result: number): string =>
  reasonOf(SUBMIT_RESULT, result, { zh: '其他错误', en: 'other error' });
