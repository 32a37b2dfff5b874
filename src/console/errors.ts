/**
 * Console API errors: one table of stable codes with HTTP status and Chinese and English text.
 * The browser branches on `code`, never on text.
 */
const CONSOLE_ERRORS = {
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误', en: 'wrong user name or password' },
  TOTP_REQUIRED: { status: 401, zh: '请输入动态口令', en: 'a one-time code is required' },
  LOCKED: { status: 423, zh: '账户已锁定', en: 'account locked after repeated failures' },
  UNAUTHENTICATED: { status: 401, zh: '未登录或会话已超时', en: 'not logged in, or the session timed out' },
  CSRF: { status: 403, zh: '缺少或错误的 X-CSRF-Token', en: 'missing or wrong X-CSRF-Token' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'not permitted for your roles' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '请先修改密码', en: 'change your password first' },
  TOTP_ENROL_REQUIRED: { status: 403, zh: '请先绑定动态口令', en: 'enrol a one-time code first' },
  WRONG_PASSWORD: { status: 400, zh: '当前密码错误', en: 'the current password is wrong' },
  PASSWORD_POLICY: { status: 400, zh: '新密码不符合要求', en: 'the new password does not meet the policy' },
  TOTP_ALREADY_ENROLLED: { status: 409, zh: '已绑定动态口令', en: 'a one-time code is already enrolled' },
  TOTP_NOT_PENDING: { status: 409, zh: '没有待确认的动态口令', en: 'no enrolment to confirm' },
  TOTP_INVALID: { status: 400, zh: '动态口令错误', en: 'wrong one-time code' },
  INVALID: { status: 400, zh: '请求无效', en: 'invalid request' },
  SEND_APP_UNAVAILABLE: {
    status: 400,
    zh: '业务系统账户不存在或已停用',
    en: 'no such active business-system account',
  },
  SEND_NO_RECIPIENTS: { status: 400, zh: '没有可发送的有效号码', en: 'no valid recipient' },
  SEND_TOO_LONG: { status: 400, zh: '短信内容超过最大字数限制', en: 'the text exceeds the maximum length' },
  SEND_BAD_FILE: { status: 400, zh: '无法读取上传的文件', en: 'the uploaded file cannot be read' },
  SEND_BALANCE: { status: 409, zh: '账户余额不足', en: 'insufficient balance' },
  TEMPLATE_NOT_FOUND: { status: 404, zh: '模板不存在', en: 'no such template' },
  TEMPLATE_NOT_APPROVED: { status: 400, zh: '模板未审核通过，不能使用', en: 'the template is not approved' },
  TEMPLATE_SELF_REVIEW: {
    status: 403,
    zh: '不能审核自己提交的模板',
    en: 'you cannot review your own template',
  },
  TEMPLATE_NOT_PENDING: { status: 409, zh: '模板不在待审核状态', en: 'the template is not pending review' },
  TICKET_NOT_FOUND: { status: 404, zh: '受理单不存在', en: 'no such ticket' },
  TICKET_NOT_OPEN: {
    status: 409,
    zh: '受理单已被接单或已办结',
    en: 'the ticket is taken or completed already',
  },
  TICKET_NOT_YOURS: {
    status: 403,
    zh: '只有已接此单的经办人才能查看完整身份信息',
    en: 'only the handler who took this ticket may see the full identity',
  },
  TICKET_COMPLETED: { status: 409, zh: '受理单已办结，不能重复办结', en: 'the ticket is completed already' },
  SURVEY_NOT_FOUND: { status: 404, zh: '调查不存在', en: 'no such survey' },
  SURVEY_INVALID: { status: 400, zh: '调查内容不符合要求', en: 'the survey is not valid' },
  SURVEY_CLOSED: { status: 409, zh: '调查已结束，不能再发送', en: 'the survey is closed' },
  SURVEY_SENDING: { status: 409, zh: '该调查正在发送中', en: 'the survey is being sent already' },
  HANDSET_LINK_UNKNOWN: { status: 400, zh: '没有此模拟网关', en: 'no such simulator link' },
  HANDSET_UNREACHABLE: { status: 502, zh: '模拟器无法连接', en: 'the simulator cannot be reached' },
  LIST_NO_NUMBERS: { status: 400, zh: '没有有效的手机号码', en: 'no valid mobile number' },
  LIST_TD_READONLY: {
    status: 400,
    zh: '退订由市民本人发送 KT# 或重新绑定恢复，控制台不能删除',
    en: 'an unsubscription is undone by the citizen (KT# or a new binding), not by the console',
  },
  LIST_NOT_LISTED: { status: 404, zh: '该号码不在名单中', en: 'the number is not on the list' },
  MESSAGE_NOT_FOUND: { status: 404, zh: '短信不存在', en: 'no such message' },
  REVIEW_NOT_FOUND: { status: 404, zh: '审核单不存在', en: 'no such review' },
  REVIEW_SELF: {
    status: 403,
    zh: '不能审核自己提交的发送（须由另一名审核员决定）',
    en: 'you cannot decide a review of your own send (another reviewer must)',
  },
  REVIEW_NOT_PENDING: {
    status: 409,
    zh: '该审核单已处理或已过期',
    en: 'the review is decided or expired already',
  },
  WORD_INVALID: {
    status: 400,
    zh: '敏感词去掉空格和标点后不能为空',
    en: 'a word must keep letters once spaces and punctuation are removed',
  },
  WORD_EXISTS: { status: 409, zh: '该敏感词已存在', en: 'the word is listed already' },
  WORD_NOT_FOUND: { status: 404, zh: '敏感词不存在', en: 'no such word' },
  EXPORT_RUNNING: { status: 409, zh: '您已有一个导出任务在进行中', en: 'you have an export running already' },
  EXPORT_TOO_LARGE: {
    status: 400,
    zh: '导出行数超过上限，请缩小查询范围',
    en: 'too many rows to export; narrow the filters',
  },
  EXPORT_NOT_FOUND: {
    status: 404,
    zh: '导出任务不存在或文件已过期',
    en: 'no such export, or its file expired',
  },
  EXPORT_NOT_READY: { status: 409, zh: '导出尚未完成', en: 'the export is not finished' },
  NOT_FOUND: { status: 404, zh: '没有此接口', en: 'no such API' },
  INTERNAL: { status: 500, zh: '内部错误', en: 'internal error' },
  USER_NOT_FOUND: { status: 404, zh: '没有此用户', en: 'no such user' },
  USER_EXISTS: { status: 409, zh: '用户名已存在', en: 'the user name is taken' },
  USERNAME_INVALID: {
    status: 400,
    zh: '用户名须为 2–64 个字母、数字或 _ . -',
    en: 'user names are 2–64 letters, digits or _ . -',
  },
  ROLES_INVALID: { status: 400, zh: '角色无效', en: 'invalid roles' },
  ROLES_EXCLUSIVE: {
    status: 400,
    zh: '三员分立：系统管理员、安全管理员、审计管理员不得由同一人兼任',
    en: 'separation of duties: system, security and audit administrator exclude each other',
  },
  SELF_CHANGE: {
    status: 403,
    zh: '不能修改自己的角色、状态或凭据',
    en: 'you cannot change your own roles, status or credentials',
  },
  APP_NOT_FOUND: { status: 404, zh: '业务系统账户不存在', en: 'no such business-system account' },
  APP_EXISTS: { status: 409, zh: '账户名已存在', en: 'the account name is taken' },
  APP_INVALID: { status: 400, zh: '账户信息不符合要求', en: 'the account fields are not valid' },
  APP_EXT_TAKEN: {
    status: 409,
    zh: '扩展码已被其他账户使用',
    en: 'the extension code is used by another account',
  },
  REPLY_NOT_FOUND: { status: 404, zh: '没有此回复模板', en: 'no such reply text' },
  REPLY_INVALID: { status: 400, zh: '回复内容不符合要求', en: 'the reply text is not valid' },
  GATEWAY_NOT_FOUND: { status: 404, zh: '没有此网关', en: 'no such gateway' },
  GATEWAY_EXISTS: { status: 409, zh: '网关编号已存在', en: 'the gateway id is taken' },
  GATEWAY_INVALID: { status: 400, zh: '网关设置不符合要求', en: 'the gateway settings are not valid' },
  GATEWAY_CONFIGURED: {
    status: 409,
    zh: '配置文件中的网关只能停用，不能删除',
    en: 'a gateway of the configuration file can be disabled, not removed',
  },
  PROPOSAL_NOT_FOUND: { status: 404, zh: '没有此变更申请', en: 'no such proposal' },
  PROPOSAL_DECIDED: { status: 409, zh: '该申请已处理', en: 'the proposal was decided already' },
  PROPOSAL_OWN: {
    status: 403,
    zh: '不能审批自己提交的申请',
    en: 'a proposal is decided by someone other than its proposer',
  },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ConsoleErrorCode = keyof typeof CONSOLE_ERRORS;

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
