/**
 * A batch file's rows as interface requests (docs/sftp.md): each row is one `POST /api/sms/send`
 * — `mobile`, then `content` or `templateId` with variable columns, and the optional fields — and is
 * answered with the interface's own code. What makes a whole file unusable (no text column, an
 * unreadable line, no rows) is found here before anything is sent.
 */
import type { BatchFile, BatchRow } from '../pipeline/batch-file.js';
import type { Body } from '../domain/send-request.js';

/** Columns that are request fields; every other column is a template variable. */
const FIELDS = ['content', 'templateId', 'sendTime', 'extCode', 'clientMsgId', 'islong', 'category'] as const;
const FIELD_BY_LOWER = new Map<string, string>(FIELDS.map((f) => [f.toLowerCase(), f]));

/** The reason a file is refused whole, with the line to blame; null when its rows can be sent. */
export function fileProblem(file: BatchFile): { line: number; reason: string } | null {
  const first = file.problems[0];
  if (first) return { line: first.line, reason: `第 ${first.line} 行无法读取：${first.reason}` };
  const fields = new Set(file.columns.map((c) => FIELD_BY_LOWER.get(c.toLowerCase())));
  if (!fields.has('content') && !fields.has('templateId'))
    return { line: 1, reason: '第 1 行（表头）须有 content（短信内容）列或 templateId（模板编号）列' };
  if (file.rows.length === 0) return { line: 2, reason: '文件没有数据行' };
  return null;
}

/** The request a row stands for: fields by their column, the other columns as `params`. */
export function rowBody(row: BatchRow): Body {
  const body: Body = { mobiles: row.mobile };
  const params: Record<string, string> = {};
  for (const [column, value] of Object.entries(row.values)) {
    const field = FIELD_BY_LOWER.get(column.toLowerCase());
    if (field !== undefined) {
      if (value !== '') body[field] = value;
    } else params[column] = value;
  }
  if (Object.keys(params).length > 0) body.params = params;
  return body;
}
