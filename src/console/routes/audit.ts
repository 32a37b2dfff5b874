/**
 * The audit log for the auditor alone (§8.1 c): search with filters, newest first; a CSV
 * export of a range (itself recorded as a data operation); and a check of the hash chain that
 * names the first broken entry (src/audit/log.ts). Requests and answers: contract/audit.ts.
 */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { AUDIT_CSV_HEADER, auditCsvLine } from '../../audit/csv.js';
import { verifyAudit, type AuditRecord } from '../../audit/log.js';
import {
  auditAnswer,
  auditFilter,
  auditQuery,
  auditVerdict,
  type AuditAnswer,
  type AuditFilterQuery,
  type AuditQuery,
  type AuditVerdict,
} from '../contract/audit.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import { formatBeijing, fromBeijing } from '../../domain/beijing-time.js';
import { spreadsheetLine } from '../../domain/csv.js';
import {
  countAudit,
  readAuditFiltered,
  readAuditHead,
  searchAudit,
  type AuditFilter,
} from '../../store/audit-log.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const DAY = 24 * 3600 * 1000;

/**
 * A Beijing time `YYYY-MM-DD`, `YYYY-MM-DD HH:mm` or `YYYY-MM-DD HH:mm:ss` (a `T` may stand for
 * the space). As the end of a range the whole day, minute or second it names is included.
 */
export function parseBeijingBound(text: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return null;
  const ms = fromBeijing({
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  });
  if (ms === null || !end) return ms;
  return ms + (m[4] === undefined ? DAY : m[6] === undefined ? 60_000 : 1000);
}

function toFilter(q: AuditFilterQuery): AuditFilter {
  const bound = (name: 'from' | 'to') => {
    const text = q[name];
    if (text === undefined || text === '') return undefined;
    const ms = parseBeijingBound(text, name === 'to');
    if (ms === null)
      throw consoleError('INVALID', `${name}：时间格式应为 YYYY-MM-DD HH:mm:ss（北京时间）`, {
        messageEn: `${name}: expected YYYY-MM-DD HH:mm:ss (Beijing time)`,
      });
    return ms;
  };
  const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    from: bound('from'),
    to: bound('to'),
    kind: q.kind,
    actor: blank(q.actor),
    actionContains: blank(q.action),
    result: q.result,
    hideRoutine: q.routine === 'hide',
  };
}

/** The stored detail is JSON text; the browser gets it as an object. */
function detailOf(r: AuditRecord): unknown {
  try {
    return JSON.parse(r.detail) as unknown;
  } catch {
    return r.detail;
  }
}

const EXPORT_PAGE = 1000;

export const auditRoutes: ConsoleRoutes = (app, ctx) => {
  const handle = ctx.deps.handle;

  app.get<{ Querystring: AuditQuery }>(
    '/console/api/audit',
    {
      preHandler: ctx.allow('audit.read'),
      schema: { querystring: requestSchema(auditQuery), response: responseSchema(auditAnswer) },
    },
    async (request): Promise<AuditAnswer> => {
      const { page, pageSize, ...query } = request.query;
      const filter = toFilter(query);
      const [total, rows] = await Promise.all([
        countAudit(handle.db, filter),
        searchAudit(handle.db, filter, (page - 1) * pageSize, pageSize),
      ]);
      return {
        total,
        page,
        pageSize,
        entries: rows.map((r) => ({
          seq: r.seq,
          at: new Date(r.at).toISOString(),
          kind: r.kind,
          actor: r.actor,
          role: r.role,
          sourceIp: r.sourceIp,
          action: r.action,
          target: r.target,
          result: r.result,
          detail: detailOf(r),
          hash: r.hash,
        })),
      };
    },
  );

  app.get<{ Querystring: AuditFilterQuery }>(
    '/console/api/audit/export',
    { preHandler: ctx.allow('audit.export'), schema: { querystring: requestSchema(auditFilter) } },
    async (request: FastifyRequest<{ Querystring: AuditFilterQuery }>, reply) => {
      // The export covers the log as it stands now; its own entry (below) comes after.
      const filter = { ...toFilter(request.query), maxSeq: (await readAuditHead(handle.db))?.lastSeq ?? 0 };
      const count = await countAudit(handle.db, filter);
      await ctx.audit(request, {
        kind: 'data',
        action: 'export.audit',
        result: 'ok',
        detail: { count, query: request.query },
      });
      async function* lines(): AsyncGenerator<string> {
        yield `\uFEFF${spreadsheetLine(AUDIT_CSV_HEADER)}\r\n`;
        for (let after = 0; ;) {
          const page = await readAuditFiltered(handle.db, filter, after, EXPORT_PAGE);
          if (page.length > 0) yield page.map((r) => `${auditCsvLine(r)}\r\n`).join('');
          const last = page.at(-1);
          if (!last || page.length < EXPORT_PAGE) return;
          after = last.seq;
        }
      }
      const stamp = formatBeijing(ctx.now(), 'yyyyMMdd-HHmmss');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(lines()));
    },
  );

  app.post(
    '/console/api/audit/verify',
    { preHandler: ctx.allow('audit.read'), schema: { response: responseSchema(auditVerdict) } },
    async (request): Promise<AuditVerdict> => {
      const verdict = await verifyAudit(handle, ctx.deps.auditKey);
      const answer: AuditVerdict = verdict.ok
        ? {
            ok: true as const,
            count: verdict.count,
            firstSeq: verdict.firstSeq,
            lastSeq: verdict.lastSeq,
            // The auditor notes the head elsewhere: a rollback of the whole database shows only against it.
            lastHash: verdict.lastHash,
          }
        : { ok: false as const, seq: verdict.seq, problem: verdict.problem, verified: verdict.verified };
      // With the head itself altered no entry can be appended; the auditor still gets the answer.
      await ctx
        .audit(request, {
          kind: 'operation',
          action: 'audit.verify',
          result: verdict.ok ? 'ok' : 'failed',
          detail: answer,
        })
        .catch((err: unknown) => request.log.error({ err }, '审计日志写入失败 audit append failed'));
      return answer;
    },
  );
};
