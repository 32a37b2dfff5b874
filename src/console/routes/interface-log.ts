/**
 * The interface access log for the auditor (standard §8.1 c): every call to the business systems'
 * interface with its account, address, path, code, number count and duration, refusals (codes 5,
 * 6, 8 — a password lock answers 8 and says so) included; filters by time, account, address and
 * code, newest first.
 */
import { searchAccessLog } from '../../store/access-log.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { parseBeijingBound } from './audit.js';

interface Query {
  from?: string;
  to?: string;
  appName?: string;
  ip?: string;
  code?: number;
  refused?: boolean;
  page?: number;
  pageSize?: number;
}

export const interfaceLogRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  app.get<{ Querystring: Query }>(
    '/console/api/interface-log',
    {
      preHandler: ctx.allow('audit.read'),
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', maxLength: 32 },
            to: { type: 'string', maxLength: 32 },
            appName: { type: 'string', maxLength: 64 },
            ip: { type: 'string', maxLength: 64 },
            code: { type: 'integer', minimum: -1, maximum: 99 },
            refused: { type: 'boolean' },
            page: { type: 'integer', minimum: 1, maximum: 100_000 },
            pageSize: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const bound = (text: string | undefined, end: boolean): number | undefined => {
        if (text === undefined || text === '') return undefined;
        const ms = parseBeijingBound(text, end);
        if (ms === null)
          throw consoleError('INVALID', `时间格式为 YYYY-MM-DD 或 YYYY-MM-DD HH:mm（${text}）`);
        return ms;
      };
      const pageSize = q.pageSize ?? 50;
      const page = q.page ?? 1;
      const found = await searchAccessLog(
        db,
        {
          from: bound(q.from, false),
          to: bound(q.to, true),
          appName: q.appName || undefined,
          sourceIp: q.ip || undefined,
          code: q.code,
          refusedOnly: q.refused,
        },
        pageSize,
        (page - 1) * pageSize,
      );
      return {
        total: found.total,
        entries: found.entries.map((e) => ({
          id: String(e.id),
          at: e.at,
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
};
