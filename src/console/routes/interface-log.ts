/**
 * The interface access log for the auditor (standard §8.1 c; contract/interface-log.ts): every call
 * to the business systems' interface with its account, address, path, code, number count and
 * duration, refusals (codes 5, 6, 8 — a password lock answers 8 and says so) included. Search by
 * time, account, address, path and code, newest first, a page at a time with the total; and the
 * same selection as CSV (`audit.export`, itself audited).
 */
import { Readable } from 'node:stream';
import { formatBeijing } from '../../domain/beijing-time.js';
import { spreadsheetLine } from '../../domain/csv.js';
import { readAccessLogPage, searchAccessLog, type AccessFilter } from '../../store/access-log.js';
import type { InterfaceAccessLogTable } from '../../store/schema.js';
import {
  interfaceLogAnswer,
  interfaceLogFilter,
  interfaceLogQuery,
  type InterfaceLogAnswer,
  type InterfaceLogFilter,
  type InterfaceLogQuery,
} from '../contract/interface-log.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { parseBeijingBound } from './audit.js';

const EXPORT_PAGE = 1000;

const CSV_HEADER = [
  '时间(北京) time',
  '账户 appName',
  '来源地址 source',
  '路径 path',
  '代码 code',
  '号码数 numbers',
  '耗时(ms) duration',
  '说明 msg',
];

function csvLine(e: InterfaceAccessLogTable): string {
  return spreadsheetLine([
    formatBeijing(e.at, 'yyyy-MM-dd HH:mm:ss'),
    e.app_name ?? '',
    e.source_ip,
    e.path,
    e.code === null ? '' : String(e.code),
    String(e.numbers),
    String(e.duration_ms),
    e.msg ?? '',
  ]);
}

function toFilter(q: InterfaceLogFilter): AccessFilter {
  const bound = (text: string | undefined, end: boolean): number | undefined => {
    if (text === undefined || text.trim() === '') return undefined;
    const ms = parseBeijingBound(text, end);
    if (ms === null)
      throw consoleError('INVALID', `时间格式为 YYYY-MM-DD 或 YYYY-MM-DD HH:mm（${text}）`, {
        messageEn: `expected YYYY-MM-DD or YYYY-MM-DD HH:mm (Beijing time): ${text}`,
      });
    return ms;
  };
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    from: bound(q.from, false),
    to: bound(q.to, true),
    appName: blank(q.appName),
    sourceIp: blank(q.ip),
    path: blank(q.path),
    code: q.code,
    refusedOnly: q.refused,
  };
}

export const interfaceLogRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;

  app.get<{ Querystring: InterfaceLogQuery }>(
    '/console/api/interface-log',
    {
      preHandler: ctx.allow('audit.read'),
      schema: { querystring: requestSchema(interfaceLogQuery), response: responseSchema(interfaceLogAnswer) },
    },
    async (request): Promise<InterfaceLogAnswer> => {
      const { page = 1, pageSize = 50, ...filter } = request.query;
      const found = await searchAccessLog(db, toFilter(filter), pageSize, (page - 1) * pageSize);
      return {
        total: found.total,
        page,
        pageSize,
        entries: found.entries.map((e) => ({
          id: String(e.id),
          at: new Date(e.at).toISOString(),
          appName: e.app_name,
          sourceIp: e.source_ip,
          path: e.path,
          code: e.code,
          numbers: e.numbers,
          durationMs: e.duration_ms,
          msg: e.msg,
        })),
      };
    },
  );

  app.get<{ Querystring: InterfaceLogFilter }>(
    '/console/api/interface-log/export',
    { preHandler: ctx.allow('audit.export'), schema: { querystring: requestSchema(interfaceLogFilter) } },
    async (request, reply) => {
      const filter = toFilter(request.query);
      const { total } = await searchAccessLog(db, filter, 0, 0);
      await ctx.audit(request, {
        kind: 'data',
        action: 'export.interface-log',
        result: 'ok',
        detail: { count: total, query: request.query },
      });
      async function* lines(): AsyncGenerator<string> {
        yield `\uFEFF${spreadsheetLine(CSV_HEADER)}\r\n`;
        for (let after: InterfaceAccessLogTable | null = null; ;) {
          const page: InterfaceAccessLogTable[] = await readAccessLogPage(db, filter, after, EXPORT_PAGE);
          if (page.length > 0) yield page.map((e) => `${csvLine(e)}\r\n`).join('');
          after = page.at(-1) ?? null;
          if (!after || page.length < EXPORT_PAGE) return;
        }
      }
      const stamp = formatBeijing(ctx.now(), 'yyyyMMdd-HHmmss');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="interface-log-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  );
};
