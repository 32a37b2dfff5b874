/**
 * Console API errors: one table of stable codes with HTTP status and Chinese and English text.
 * The browser branches on `code`, never on text.
 */
type Text = readonly [zh: string, en: string];

const notFound = (zh: string, en: string): Text => [`${zh}不存在`, `no such ${en}`];
const taken = (zh: string, en: string): Text => [`${zh}已存在`, `the ${en} is taken`];

/** The codes by HTTP status: each with its Chinese and English text. */
const BY_STATUS = {
  /** The request is wrong. */
  400: {
    WRONG_PASSWORD: ['当前密码错误', 'the current password is wrong'],
    PASSWORD_POLICY: ['新密码不符合要求', 'the new password does not meet the policy'],
    TOTP_INVALID: ['动态口令错误', 'wrong one-time code'],
    INVALID: ['请求无效', 'invalid request'],
    SEND_APP_UNAVAILABLE: ['业务系统账户不存在或已停用', 'no such active business-system account'],
    SEND_NO_RECIPIENTS: ['没有可发送的有效号码', 'no valid recipient'],
    SEND_TOO_LONG: ['短信内容超过最大字数限制', 'the text exceeds the maximum length'],
    SEND_BAD_FILE: ['无法读取上传的文件', 'the uploaded file cannot be read'],
    TEMPLATE_NOT_APPROVED: ['模板未审核通过，不能使用', 'the template is not approved'],
    SURVEY_INVALID: ['调查内容不符合要求', 'the survey is not valid'],
    HANDSET_LINK_UNKNOWN: ['没有此模拟网关', 'no such simulator link'],
    LIST_NO_NUMBERS: ['没有有效的手机号码', 'no valid mobile number'],
    LIST_TD_READONLY: [
      '退订由市民本人发送 KT# 或重新绑定恢复，控制台不能删除',
      'an unsubscription is undone by the citizen (KT# or a new binding), not by the console',
    ],
    WORD_INVALID: [
      '敏感词去掉空格和标点后不能为空',
      'a word must keep letters once spaces and punctuation are removed',
    ],
    EXPORT_TOO_LARGE: ['导出行数超过上限，请缩小查询范围', 'too many rows to export; narrow the filters'],
    USERNAME_INVALID: [
      '用户名须为 2–64 个字母、数字或 _ . -',
      'user names are 2–64 letters, digits or _ . -',
    ],
    ROLES_INVALID: ['角色无效', 'invalid roles'],
    ROLES_EXCLUSIVE: [
      '三员分立：系统管理员、安全管理员、审计管理员不得由同一人兼任',
      'separation of duties: system, security and audit administrator exclude each other',
    ],
    APP_INVALID: ['账户信息不符合要求', 'the account fields are not valid'],
    REPLY_INVALID: ['回复内容不符合要求', 'the reply text is not valid'],
    GATEWAY_INVALID: ['网关设置不符合要求', 'the gateway settings are not valid'],
  },
  /** Not logged in, or the login failed. */
  401: {
    LOGIN_FAILED: ['用户名或密码错误', 'wrong user name or password'],
    TOTP_REQUIRED: ['请输入动态口令', 'a one-time code is required'],
    UNAUTHENTICATED: ['未登录或会话已超时', 'not logged in, or the session timed out'],
  },
  /** Not permitted. */
  403: {
    CSRF: ['缺少或错误的 X-CSRF-Token', 'missing or wrong X-CSRF-Token'],
    FORBIDDEN: ['无权执行此操作', 'not permitted for your roles'],
    PASSWORD_CHANGE_REQUIRED: ['请先修改密码', 'change your password first'],
    TOTP_ENROL_REQUIRED: ['请先绑定动态口令', 'enrol a one-time code first'],
    TEMPLATE_SELF_REVIEW: ['不能审核自己提交的模板', 'you cannot review your own template'],
    PROPOSAL_OWN: ['不能审批自己提交的申请', 'a proposal is decided by someone other than its proposer'],
    TICKET_NOT_YOURS: [
      '只有已接此单的经办人才能查看完整身份信息',
      'only the handler who took this ticket may see the full identity',
    ],
    REVIEW_SELF: [
      '不能审核自己提交的发送（须由另一名审核员决定）',
      'you cannot decide a review of your own send (another reviewer must)',
    ],
    SELF_CHANGE: [
      '不能修改自己的角色、状态或凭据',
      'you cannot change your own roles, status or credentials',
    ],
  },
  /** Not there. */
  404: {
    TEMPLATE_NOT_FOUND: notFound('模板', 'template'),
    PROPOSAL_NOT_FOUND: ['没有此变更申请', 'no such proposal'],
    TICKET_NOT_FOUND: notFound('受理单', 'ticket'),
    SURVEY_NOT_FOUND: notFound('调查', 'survey'),
    LIST_NOT_LISTED: ['该号码不在名单中', 'the number is not on the list'],
    MESSAGE_NOT_FOUND: notFound('短信', 'message'),
    REVIEW_NOT_FOUND: notFound('审核单', 'review'),
    WORD_NOT_FOUND: notFound('敏感词', 'word'),
    EXPORT_NOT_FOUND: ['导出任务不存在或文件已过期', 'no such export, or its file expired'],
    NOT_FOUND: ['没有此接口', 'no such API'],
    USER_NOT_FOUND: ['没有此用户', 'no such user'],
    APP_NOT_FOUND: notFound('业务系统账户', 'business-system account'),
    REPLY_NOT_FOUND: ['没有此回复模板', 'no such reply text'],
    GATEWAY_NOT_FOUND: ['没有此网关', 'no such gateway'],
  },
  /** The state forbids it. */
  409: {
    TOTP_ALREADY_ENROLLED: ['已绑定动态口令', 'a one-time code is already enrolled'],
    TOTP_NOT_PENDING: ['没有待确认的动态口令', 'no enrolment to confirm'],
    SEND_BALANCE: ['账户余额不足', 'insufficient balance'],
    TEMPLATE_NOT_PENDING: ['模板不在待审核状态', 'the template is not pending review'],
    PROPOSAL_DECIDED: ['该申请已处理', 'the proposal was decided already'],
    TICKET_NOT_OPEN: ['受理单已被接单或已办结', 'the ticket is taken or completed already'],
    TICKET_COMPLETED: ['受理单已办结，不能重复办结', 'the ticket is completed already'],
    SURVEY_CLOSED: ['调查已结束，不能再发送', 'the survey is closed'],
    SURVEY_SENDING: ['该调查正在发送中', 'the survey is being sent already'],
    REVIEW_NOT_PENDING: ['该审核单已处理或已过期', 'the review is decided or expired already'],
    WORD_EXISTS: ['该敏感词已存在', 'the word is listed already'],
    EXPORT_RUNNING: ['您已有一个导出任务在进行中', 'you have an export running already'],
    EXPORT_NOT_READY: ['导出尚未完成', 'the export is not finished'],
    USER_EXISTS: taken('用户名', 'user name'),
    APP_EXISTS: taken('账户名', 'account name'),
    APP_EXT_TAKEN: ['扩展码已被其他账户使用', 'the extension code is used by another account'],
    GATEWAY_EXISTS: taken('网关编号', 'gateway id'),
    GATEWAY_CONFIGURED: [
      '配置文件中的网关只能停用，不能删除',
      'a gateway of the configuration file can be disabled, not removed',
    ],
  },
  /** Locked. */
  423: {
    LOCKED: ['账户已锁定', 'account locked after repeated failures'],
  },
  /** The server failed. */
  500: {
    INTERNAL: ['内部错误', 'internal error'],
  },
  /** A peer failed. */
  502: {
    HANDSET_UNREACHABLE: ['模拟器无法连接', 'the simulator cannot be reached'],
  },
} as const satisfies Record<number, Record<string, Text>>;

type ByStatus = typeof BY_STATUS;
export type ConsoleErrorCode = { [S in keyof ByStatus]: keyof ByStatus[S] }[keyof ByStatus];

/** Each code's status and text, flattened once; the cast holds as the keys come from `BY_STATUS`. */
const CONSOLE_ERRORS = Object.fromEntries(
  Object.entries(BY_STATUS).flatMap(([status, codes]) =>
    Object.entries(codes).map(([code, [zh, en]]: [string, Text]) => [
      code,
      { status: Number(status), zh, en },
    ]),
  ),
) as Record<ConsoleErrorCode, { status: number; zh: string; en: string }>;

export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.code));
  }
}

export function consoleError(
  code: ConsoleErrorCode,
  message?: string,
  extra?: Record<string, unknown>,
): ConsoleError {
  const entry = CONSOLE_ERRORS[code];
  return new ConsoleError(entry.status, {
    code,
    message: message ?? entry.zh,
    messageEn: entry.en,
    ...extra,
  });
}
