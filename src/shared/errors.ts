/**
 * One error type for the whole platform: a stable code from the catalogue, a Chinese and an English
 * message, and the cause. Callers branch on `code`, never on message text.
 */
export const ERROR_CATALOGUE = {
  ERR_CONFIG_INVALID: { zh: '配置无效', en: 'invalid configuration' },
  ERR_CONFIG_FILE: { zh: '无法读取配置文件', en: 'cannot read the configuration file' },
  ERR_CLI_USAGE: { zh: '命令用法错误', en: 'wrong command usage' },
  ERR_LISTEN: { zh: '端口无法监听', en: 'cannot listen on the port' },
  ERR_STORE_UNAVAILABLE: { zh: '数据库不可用', en: 'database unavailable' },
  ERR_STORE_URL: { zh: '数据库地址无效', en: 'invalid database URL' },
  ERR_STORE_LOCKED: {
    zh: '数据库已被另一个平台进程使用',
    en: 'the database is in use by another platform process',
  },
  ERR_PROTOCOL_DECODE: { zh: '协议报文无法解析', en: 'malformed protocol data unit' },
  ERR_PROTOCOL_ENCODE: { zh: '协议报文无法编码', en: 'cannot encode protocol data unit' },
  ERR_GATEWAY_CLOSED: { zh: '网关连接已关闭', en: 'gateway connection closed' },
  ERR_GATEWAY_TIMEOUT: { zh: '网关响应超时', en: 'gateway response timed out' },
  ERR_GATEWAY_AUTH: { zh: '网关认证失败', en: 'gateway authentication failed' },
  ERR_GATEWAY_UNKNOWN: { zh: '未知网关', en: 'unknown gateway' },
  ERR_PHONE_DATA: { zh: '号段数据无法读取或格式有误', en: 'segment data unreadable or malformed' },
  ERR_MINISTRY_REFUSED: {
    zh: '部级平台拒绝了本省账户',
    en: 'the ministry platform refused this province account',
  },
  ERR_ROUTE_NONE: { zh: '没有可用的网关路由', en: 'no gateway route for the number' },
  ERR_APP_EXISTS: { zh: '业务系统账户已存在', en: 'application account already exists' },
  ERR_APP_NOT_FOUND: { zh: '业务系统账户不存在', en: 'application account not found' },
  ERR_INPUT_INVALID: { zh: '输入无效', en: 'invalid input' },
  ERR_SIMULATOR: { zh: '模拟器错误', en: 'simulator error' },
  ERR_SIMULATOR_CONFIG: { zh: '模拟器设置无效', en: 'invalid simulator setting' },
  ERR_SIMULATOR_MO_INVALID: { zh: '上行短信参数无效', en: 'invalid uplink message' },
  ERR_SIMULATOR_CLOSED: { zh: '模拟器已关闭', en: 'simulator closed' },
  ERR_DATA_KEY: { zh: '个人数据密钥无效或无法读取', en: 'personal-data key invalid or unreadable' },
  ERR_DATA_DECRYPT: {
    zh: '个人数据无法解密（被篡改或密钥不符）',
    en: 'personal data cannot be decrypted (tampered or another key)',
  },
  ERR_BACKEND_UNAVAILABLE: { zh: '业务系统暂不可用', en: 'business backend unavailable' },
  ERR_BACKEND_OPERATION: {
    zh: '业务系统不支持此查询',
    en: 'operation not supported by the business backend',
  },
  ERR_AUDIT_TAMPERED: {
    zh: '审计日志锚点被篡改，拒绝续写',
    en: 'the audit log anchor was tampered with; refusing to extend it',
  },
  ERR_BACKUP_KEY: { zh: '备份密钥文件无效或无法读取', en: 'backup key file invalid or unreadable' },
  ERR_BACKUP_WRONG_KEY: {
    zh: '备份不是用此私钥对应的公钥加密的（或文件头已损坏）',
    en: 'the backup was not encrypted to this identity (or its header is damaged)',
  },
  ERR_BACKUP_CORRUPT: {
    zh: '备份文件已损坏、被截断或不是本平台的备份',
    en: 'the backup file is damaged, cut short or not an sms12333 backup',
  },
  ERR_BACKUP_VERSION: {
    zh: '备份来自更新的版本，请先升级再恢复',
    en: 'the backup comes from a newer version: upgrade first',
  },
  ERR_BACKUP_FAILED: { zh: '备份失败', en: 'backup failed' },
  ERR_RESTORE_NOT_EMPTY: {
    zh: '目标数据库不是空库，拒绝恢复（未写入任何数据）',
    en: 'the target database is not empty; nothing was restored',
  },
  ERR_RESTORE_KEY_MISMATCH: {
    zh: '目标配置的数据密钥与备份中的不同，恢复后的数据将无法解密',
    en: "the target's data key differs from the backup's; the restored data could not be read",
  },
  ERR_RESTORE_VERIFY: { zh: '恢复后校验失败', en: 'verification after restore failed' },
  ERR_INTERNAL: { zh: '内部错误', en: 'internal error' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly zh: string;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    const entry = ERROR_CATALOGUE[code];
    super(detail ? `${entry.en}: ${detail}` : entry.en, options);
    this.name = 'AppError';
    this.code = code;
    this.zh = detail ? `${entry.zh}：${detail}` : entry.zh;
    this.detail = detail;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
