/**
 * Message search for `message.read`: messages newest first by phone, batch, id, business
 * system, status, carrier and Beijing time range; one message's parts and delivery report; an
 * audited unmask of one number; and CSV exports in the background with progress (masked numbers,
 * formula-safe cells, a row cap, one running job per user, files removed after a while).
 * Requests and answers: contract/messages.ts.
 */
import { createReadStream } from 'node:fs';
import {
  exportJob,
  exportStarted,
  messageDetail,
  messageFilter,
  messagesAnswer,
  messagesQuery,
  unmaskAnswer,
  type ExportJob,
  type MessageDetail,
  type MessageFilter as FilterQuery,
  type MessagesAnswer,
  type MessagesQuery,
  type MessageView,
} from '../contract/messages.js';
import { numericIdParams, requestSchema, responseSchema } from '../contract/schema.js';
import { formatBeijing } from '../../domain/beijing-time.js';
import { spreadsheetLine } from '../../domain/csv.js';
import { normalizeMobile } from '../../domain/phone.js';
import { maskMobile } from '../../shared/log.js';
import { listApps } from '../../store/apps.js';
import { sendTask } from '../../store/console-send.js';
import {
  countMessages,
  countMessagesUpTo,
  messageMobile,
  messageParts,
  messageReport,
  searchMessages,
  type MessageCursor,
  type MessageFilter,
  type MessageRow,
} from '../../store/message-search.js';
import type { ConsoleContext, ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { parseCursor, parseTime } from '../list-query.js';
import { exportJobs } from '../exports.js';

/** Rows one export may hold; a bigger one is refused (narrow the filters). */
export const EXPORT_ROW_CAP = 200_000;
const EXPORT_KEEP_MS = 30 * 60_000;
const EXPORT_PAGE = 1000;
/** A search counts its matches up to this many; beyond, the page says "more than". */
export const COUNT_CAP = 10_000;
const ID_PARAMS = requestSchema(numericIdParams);

function cursorOf(after: string | undefined): MessageCursor | null {
  const cursor = parseCursor(after);
  return cursor && { createdAt: cursor.at, id: cursor.id };
}

function beijing(ms: number | null): string | null {
  return ms === null ? null : formatBeijing(ms, 'yyyy-MM-dd HH:mm:ss');
}

/** The filters of a request as the store reads them (app by name, phone in any common form). */
async function readFilter(ctx: ConsoleContext, q: FilterQuery): Promise<MessageFilter> {
  const filter: MessageFilter = {
    batchId: q.batchId,
    msgId: q.msgId,
    status: q.status || undefined,
    carrier: q.carrier || undefined,
    province: q.province || undefined,
    from: parseTime(q.from, 'from'),
    to: parseTime(q.to, 'to'),
  };
  if (q.mobile !== undefined && q.mobile.trim() !== '') {
    const normal = normalizeMobile(q.mobile);
    if (normal === null) throw consoleError('INVALID', '手机号码格式错误', { field: 'mobile' });
    filter.mobile = normal;
  }
  if (q.taskId !== undefined) {
    const task = await sendTask(ctx.deps.handle.db, q.taskId);
    if (!task) throw consoleError('INVALID', `没有发送任务 ${q.taskId}`, { field: 'taskId' });
    filter.task = { appId: task.appId, key: task.key };
  }
  if (q.app !== undefined && q.app !== '') {
    const found = (await listApps(ctx.deps.handle.db)).find((a) => a.name === q.app);
    if (!found) throw consoleError('INVALID', `没有业务系统 ${q.app}`, { field: 'app' });
    filter.appId = found.id;
  }
  return filter;
}

/** A filter as the audit log keeps it: the phone number masked. */
function auditedFilter(q: FilterQuery): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === '') continue;
    out[key] = key === 'mobile' ? maskMobile(String(value)) : value;
  }
  return out;
}

function view(r: MessageRow): MessageView {
  return {
    msgId: String(r.id),
    batchId: String(r.batchId),
    app: r.appName,
    mobile: maskMobile(r.mobile),
    carrier: r.carrier,
    content: r.signature + r.content,
    status: r.status,
    stat: r.stat,
    error: r.error,
    segments: r.segments,
    charged: r.charged,
    createdAt: new Date(r.createdAt).toISOString(),
    submittedAt: r.submittedAt === null ? null : new Date(r.submittedAt).toISOString(),
    doneAt: r.doneAt === null ? null : new Date(r.doneAt).toISOString(),
    gateway: r.gatewayId,
  };
}

const CSV_HEADER = [
  '短信ID',
  '批次ID',
  '业务系统',
  '手机号码(脱敏)',
  '运营商',
  '内容',
  '状态',
  '回执状态',
  '条数',
  '计费条数',
  '提交时间(北京时间)',
  '发往网关时间',
  '完成时间',
  '网关',
];

function csvLine(r: MessageRow): string {
  return `${spreadsheetLine([
    String(r.id),
    String(r.batchId),
    r.appName ?? '',
    maskMobile(r.mobile),
    r.carrier,
    r.signature + r.content,
    r.status,
    r.stat ?? '',
    String(r.segments),
    String(r.charged),
    beijing(r.createdAt) ?? '',
    beijing(r.submittedAt) ?? '',
    beijing(r.doneAt) ?? '',
    r.gatewayId ?? '',
  ])}\r\n`;
}

export const messagesRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('message.read');
  const jobs = exportJobs({
    keepMs: EXPORT_KEEP_MS,
    now: () => ctx.now(),
    onError: (err) => ctx.deps.logger?.error({ err }, 'message export failed'),
  });
  app.addHook('onClose', async () => jobs.close());

  app.get<{ Querystring: MessagesQuery }>(
    '/console/api/messages',
    {
      preHandler: guard,
      schema: { querystring: requestSchema(messagesQuery), response: responseSchema(messagesAnswer) },
    },
    async (request): Promise<MessagesAnswer> => {
      const q = request.query;
      const { after, limit, ...filterQuery } = q;
      const filter = await readFilter(ctx, filterQuery);
      const [rows, counted] = await Promise.all([
        searchMessages(db, filter, cursorOf(after), limit + 1),
        countMessagesUpTo(db, filter, COUNT_CAP),
      ]);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const apps = (await listApps(db)).map((a) => a.name);
      const task = q.taskId === undefined ? null : await sendTask(db, q.taskId);
      return {
        rows: page.map(view),
        next: rows.length > limit && last ? `${last.createdAt}.${last.id}` : null,
        total: Math.min(counted, COUNT_CAP),
        totalExceeds: counted > COUNT_CAP,
        task: task && {
          id: task.id,
          fileName: task.fileName,
          recipients: task.recipients,
          createdBy: task.createdBy,
          createdAt: new Date(task.createdAt).toISOString(),
        },
        apps,
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/console/api/messages/:id',
    { preHandler: guard, schema: { params: ID_PARAMS, response: responseSchema(messageDetail) } },
    async (request): Promise<MessageDetail> => {
      const { id } = request.params;
      const [row] = await searchMessages(db, { msgId: id }, null, 1);
      if (!row) throw consoleError('MESSAGE_NOT_FOUND');
      const [parts, report] = await Promise.all([messageParts(db, id), messageReport(db, id)]);
      return {
        message: view(row),
        parts: parts.map((p) => ({
          partNo: p.partNo,
          total: p.total,
          gateway: p.gatewayId,
          carrierMsgId: p.carrierMsgId,
          status: p.status,
          stat: p.stat,
          submittedAt: new Date(p.submittedAt).toISOString(),
          doneAt: p.doneAt === null ? null : new Date(p.doneAt).toISOString(),
        })),
        report: report && {
          status: report.status,
          stat: report.stat,
          doneAt: new Date(report.doneAt).toISOString(),
          createdAt: new Date(report.createdAt).toISOString(),
          sequenced: report.sequenced,
        },
      };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/console/api/messages/:id/unmask',
    { preHandler: guard, schema: { params: ID_PARAMS, response: responseSchema(unmaskAnswer) } },
    async (request) => {
      const { id } = request.params;
      const mobile = await messageMobile(db, id);
      if (mobile === null) throw consoleError('MESSAGE_NOT_FOUND');
      // Who saw which message's number; the number itself stays out of the log.
      await ctx.audit(request, { kind: 'data', action: 'unmask', target: String(id), result: 'ok' });
      return { mobile };
    },
  );

  app.post<{ Body: FilterQuery }>(
    '/console/api/messages/exports',
    {
      preHandler: guard,
      schema: { body: requestSchema(messageFilter), response: responseSchema(exportStarted, 202) },
    },
    async (request, reply) => {
      const { user } = ctx.current(request);
      const q = request.body;
      const filter = await readFilter(ctx, q);
      if (jobs.running(user.id)) throw consoleError('EXPORT_RUNNING');
      const total = await countMessages(db, filter);
      if (total > EXPORT_ROW_CAP) {
        throw consoleError(
          'EXPORT_TOO_LARGE',
          `导出 ${total} 行超过上限 ${EXPORT_ROW_CAP} 行，请缩小查询范围`,
          {
            total,
            cap: EXPORT_ROW_CAP,
          },
        );
      }
      const fileName = `messages-${formatBeijing(ctx.now(), 'yyyyMMdd-HHmmss')}.csv`;
      const job = await jobs.start(user.id, total, fileName, async (write, progress) => {
        await write(`\uFEFF${spreadsheetLine(CSV_HEADER)}\r\n`);
        let after: MessageCursor | null = null;
        let rows = 0;
        // Never more than the count promised: rows created meanwhile are past the first page's top.
        while (rows < total) {
          const page = await searchMessages(db, filter, after, Math.min(EXPORT_PAGE, total - rows));
          if (page.length === 0) break;
          await write(page.map(csvLine).join(''));
          rows += page.length;
          progress(rows);
          const last = page[page.length - 1] as MessageRow;
          after = { createdAt: last.createdAt, id: last.id };
        }
      });
      if (!job) throw consoleError('EXPORT_RUNNING');
      await ctx.audit(request, {
        kind: 'data',
        action: 'export.messages',
        target: job.id,
        result: 'ok',
        detail: { filters: auditedFilter(q), rows: total },
      });
      return reply.code(202).send({ id: job.id, total });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/console/api/messages/exports/:id',
    { preHandler: guard, config: { quietAudit: true }, schema: { response: responseSchema(exportJob) } },
    (request): ExportJob => {
      const job = jobs.get(request.params.id);
      if (!job || job.owner !== ctx.current(request).user.id) throw consoleError('EXPORT_NOT_FOUND');
      return {
        id: job.id,
        state: job.state,
        written: job.written,
        total: job.total,
        fileName: job.fileName,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/console/api/messages/exports/:id/download',
    { preHandler: guard },
    async (request, reply) => {
      const job = jobs.get(request.params.id);
      if (!job || job.owner !== ctx.current(request).user.id) throw consoleError('EXPORT_NOT_FOUND');
      if (job.state !== 'done') throw consoleError('EXPORT_NOT_READY');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${job.fileName}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(job.file));
    },
  );
};
