/** One audit entry as a CSV line, the same for the console's export and `sms12333 audit export`. */
import { formatBeijing } from '../domain/beijing-time.js';
import { spreadsheetLine } from '../domain/csv.js';
import type { AuditRecord } from '../store/audit-log.js';

export const AUDIT_CSV_HEADER = [
  '序号 seq',
  '时间(北京) time',
  '类别 kind',
  '操作人 actor',
  '角色 role',
  '来源地址 source',
  '操作 action',
  '对象 target',
  '结果 result',
  '详情 detail',
  '哈希 hash',
];

/** Formula-safe cells: an entry's text cannot run as a spreadsheet formula when opened. */
export function auditCsvLine(r: AuditRecord): string {
  return spreadsheetLine([
    String(r.seq),
    formatBeijing(r.at, 'yyyy-MM-dd HH:mm:ss'),
    r.kind,
    r.actor,
    r.role ?? '',
    r.sourceIp ?? '',
    r.action,
    r.target ?? '',
    r.result,
    r.detail,
    r.hash,
  ]);
}
