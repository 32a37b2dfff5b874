/**
 * Return codes of the downlink interface: Appendix A exactly (表 A.1), then our own from 10 up.
 * The HTTP status is 200 for every business outcome; `code` carries it.
 */
export const RESULT_CODES = {
  OK: { code: 1, msg: 'OK', en: 'OK' },
  MISSING: { code: -1, msg: '请求参数缺失', en: 'a required parameter is missing' },
  FORMAT: { code: 2, msg: '请求参数格式错误', en: 'a parameter is malformed' },
  BALANCE: { code: 3, msg: '账户余额不足', en: 'insufficient balance' },
  IP: { code: 5, msg: 'IP 没有权限', en: 'caller address not in the whitelist' },
  APP: { code: 6, msg: 'appName 输入错误', en: 'unknown, disabled or frozen appName' },
  ISLONG: { code: 7, msg: '短信内容为长短信', en: 'invalid islong' },
  PASSWORD: { code: 8, msg: '客户端接入密码错误', en: 'wrong client access password' },
  TOO_LONG: { code: 9, msg: '短信内容超过最大字数限制', en: 'content exceeds the maximum length' },
  BUSY: { code: 10, msg: '服务繁忙，请稍后重试', en: 'service busy, try again later' },
  NOT_FOUND: { code: 11, msg: '接口不存在', en: 'no such interface' },
  /** Verification codes: the resend cool-down or the number's daily cap (docs/design.md §4.3); `retryAfter` in seconds. */
  RATE_LIMIT: { code: 12, msg: '发送频率超过限制', en: 'sending rate limit exceeded' },
  /** The text holds words of the sensitive-word list whose action is block (docs/design.md §5); `words` names them. */
  SENSITIVE_WORDS: { code: 13, msg: '短信内容含敏感词', en: 'the content holds sensitive words' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

export interface ResultBody {
  code: number;
  msg: string;
  /** The offending field for codes -1 and 2. */
  field?: string;
  [extra: string]: unknown;
}

/** A result body; `detail` is appended to the Appendix A wording (“请求参数格式错误：mobiles …”). */
export function result(name: ResultName, detail?: string, extra: Record<string, unknown> = {}): ResultBody {
  const entry = RESULT_CODES[name];
  return { code: entry.code, msg: detail ? `${entry.msg}：${detail}` : entry.msg, ...extra };
}

export class ResultError extends Error {
  constructor(
    readonly body: ResultBody,
    readonly httpStatus = 200,
  ) {
    super(body.msg);
    this.name = 'ResultError';
  }
}

export function fail(name: ResultName, detail?: string, field?: string): never {
  throw new ResultError(result(name, detail, field === undefined ? {} : { field }));
}
