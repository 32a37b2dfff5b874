/**
 * The Send page's API: an operator sends under a business-system account to
 * pasted numbers or a batch file with per-row variables, an approved template or free text.
 * `preview` answers what a send would do and writes nothing; the submit admits through the same
 * admission as the interface (one request per distinct text, at most interface.maxMobiles numbers
 * each), keyed by the page's idempotency key so a second click replays the first answer. A batch
 * over console.batchReviewThreshold recipients waits for a reviewer. `status` is what the page polls.
 */
import ExcelJS from 'exceljs';
import { formatBeijing } from '../../domain/beijing-time.js';
import type { AdmissionResult } from '../../store/admission.js';
import {
  consoleClientMsgId,
  listSendableApps,
  openSendTask,
  sendProgress,
  sendTaskByKey,
} from '../../store/console-send.js';
import { createReview } from '../../store/reviews.js';
import { listTemplates } from '../../store/templates.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  sendAppsAnswer,
  sendBody,
  sendOutcome,
  sendPreview,
  sendStatus,
  sendStatusQuery,
  sendTemplatesAnswer,
  sendTemplatesQuery,
  type SendAppsAnswer,
  type SendBody,
  type SendOutcome,
  type SendPreviewData,
  type SendStatus,
  type SendStatusQuery,
  type SendTemplatesAnswer,
  type SendTemplatesQuery,
} from '../contract/send.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { admissionChunks } from '../send-plan.js';
import { resolveSend, type ResolvedSend } from '../send-request.js';
import { LISTED_BATCHES, progressView, summarise, taskView } from './send-views.js';

/** Rows of problems a preview lists; the count says how many there are in all. */
const LISTED_PROBLEMS = 200;
const SAMPLES = 3;

const isoBeijing = (ms: number): string => `${formatBeijing(ms, 'yyyy-MM-ddTHH:mm:ss')}+08:00`;

export const sendRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const mayDo = ctx.allow('message.send');

  const threshold = (): number => ctx.services().config.console.batchReviewThreshold;

  /** Listed words in any of the send's texts (as admission will screen each one), by action. */
  const screen = async (r: ResolvedSend) => {
    const block = new Set<string>();
    const review = new Set<string>();
    const texts = r.plan.groups.length > 0 ? r.plan.groups.map((g) => g.content) : [r.content];
    for (const text of texts) {
      const verdict = await ctx.services().admission.screen(text);
      for (const w of verdict.block) block.add(w);
      for (const w of verdict.review) review.add(w);
    }
    return { block: [...block], review: [...review] };
  };

  const preview = async (r: ResolvedSend): Promise<SendPreviewData> => {
    const { plan, app: account } = r;
    const samples = plan.groups.slice(0, SAMPLES).map((g) => ({
      mobile: g.recipients[0]?.mobile ?? '',
      text: account.signature + g.content,
      units: g.measure.units,
      segments: g.measure.segments,
    }));
    return {
      app: { id: account.id, name: account.name, signature: account.signature, extCode: account.extCode },
      recipients: {
        valid: plan.valid,
        invalid: plan.problems.length,
        duplicates: plan.duplicates.length,
        noRoute: plan.noRoute,
      },
      problems: plan.problems.slice(0, LISTED_PROBLEMS),
      duplicates: plan.duplicates.slice(0, LISTED_PROBLEMS),
      message: plan.message,
      perMessage: plan.perMessage,
      variables: plan.variables,
      columns: r.file?.columns ?? [],
      distinctTexts: plan.groups.length,
      samples,
      cost: plan.cost,
      balanceBefore: account.balance,
      balanceAfter: account.balance - plan.cost,
      insufficient: plan.cost > account.balance,
      review: { required: plan.valid > threshold(), threshold: threshold() },
      words: await screen(r),
      sendAt: r.sendAt === null ? null : isoBeijing(r.sendAt),
    };
  };

  // The signature shown is the one the texts go under: the platform's for an account without one.
  app.get(
    '/console/api/send/apps',
    { preHandler: mayDo, schema: { response: responseSchema(sendAppsAnswer) } },
    async (): Promise<SendAppsAnswer> => ({
      apps: (await listSendableApps(db)).map((a) => ({
        ...a,
        signature: a.signature || ctx.services().config.citizen.signature,
      })),
    }),
  );

  app.get<{ Querystring: SendTemplatesQuery }>(
    '/console/api/send/templates',
    {
      preHandler: mayDo,
      schema: {
        querystring: requestSchema(sendTemplatesQuery),
        response: responseSchema(sendTemplatesAnswer),
      },
    },
    async (request): Promise<SendTemplatesAnswer> => ({
      templates: (await listTemplates(db, { status: 'approved', usableBy: request.query.appId })).map(
        (t) => ({
          id: t.id,
          name: t.name,
          content: t.content,
          appId: t.appId,
        }),
      ),
    }),
  );

  /** An .xlsx to fill in: a `mobile` column kept as text (so Excel does not turn numbers into 1.38E+10) and two variables. */
  app.get('/console/api/send/example.xlsx', { preHandler: mayDo }, async (_request, reply) => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('recipients');
    sheet.columns = [
      { header: 'mobile', key: 'mobile', width: 16, style: { numFmt: '@' } },
      { header: 'name', key: 'name', width: 12 },
      { header: 'amount', key: 'amount', width: 12 },
    ];
    sheet.addRow({ mobile: '13800138000', name: '张三', amount: '1200.00' });
    sheet.addRow({ mobile: '13900139000', name: '李四', amount: '980.50' });
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', 'attachment; filename="send-example.xlsx"')
      .send(bytes);
  });

  app.post<{ Body: SendBody }>(
    '/console/api/send/preview',
    {
      preHandler: mayDo,
      schema: { body: requestSchema(sendBody), response: responseSchema(sendPreview) },
    },
    async (request) => preview(await resolveSend(ctx.deps.handle, ctx.services(), request.body, ctx.now())),
  );

  app.post<{ Body: SendBody }>(
    '/console/api/send',
    {
      preHandler: mayDo,
      schema: { body: requestSchema(sendBody), response: responseSchema(sendOutcome) },
    },
    async (request): Promise<SendOutcome> => {
      const body = request.body;
      const key = body.idempotencyKey;
      if (key === undefined)
        throw consoleError('INVALID', '缺少 idempotencyKey', { field: 'idempotencyKey' });
      const services = ctx.services();

      // The same key again: the first send's outcome, nothing admitted twice.
      const earlier = await sendProgress(db, body.appId, key);
      if (earlier.batchIds.length > 0) {
        const blocked = earlier.byStatus.BLOCKED ?? 0;
        return {
          task: taskView(await sendTaskByKey(db, body.appId, key)),
          key,
          appId: body.appId,
          replayed: true,
          accepted: earlier.total - blocked,
          blocked,
          ...progressView(earlier),
        };
      }

      const resolved = await resolveSend(ctx.deps.handle, services, body, ctx.now());
      const { plan, app: account } = resolved;
      if (resolved.content.trim() === '') throw consoleError('INVALID', '缺少短信内容', { field: 'content' });
      if (resolved.plan.groups.length === 0)
        throw plan.problems.some((p) => p.code === 'too-long')
          ? consoleError('SEND_TOO_LONG', plan.problems[0]?.reason)
          : consoleError('SEND_NO_RECIPIENTS');
      if (plan.cost > account.balance)
        throw consoleError('SEND_BALANCE', `需要 ${plan.cost} 条，余额 ${account.balance} 条`, {
          needed: plan.cost,
          balance: account.balance,
        });
      const { username } = ctx.current(request).user;
      const bigBatch = plan.valid > threshold();
      // Texts filled per row may hit review words in some rows only: one review holds the whole send.
      const words = await screen(resolved);
      const reviewKind = bigBatch ? 'batch-size' : words.review.length > 0 ? 'sensitive-words' : null;
      const reviewRequired = reviewKind !== null;
      // One review holds every admission request of this send.
      const reviewId =
        reviewKind === null
          ? undefined
          : await createReview(
              db,
              services.ids,
              {
                kind: reviewKind,
                appId: account.id,
                requestedBy: username,
                summary: {
                  recipients: plan.valid,
                  cost: plan.cost,
                  texts: plan.groups.length,
                  fileName: resolved.fileName,
                  // The text as written (variables unfilled): what the reviewer judges, no personal data.
                  text: account.signature + resolved.content,
                  words: words.review,
                  sendAt: resolved.sendAt === null ? null : isoBeijing(resolved.sendAt),
                },
              },
              ctx.now(),
            );

      // One task however many texts and batches the send makes.
      const task = await openSendTask(db, services.ids, {
        appId: account.id,
        key,
        fileName: resolved.fileName,
        recipients: plan.valid,
        createdBy: username,
        createdAt: ctx.now(),
      });
      const chunks = admissionChunks(plan, services.config.interface.maxMobiles);
      const results = await Promise.all(
        chunks.map((chunk, n): Promise<AdmissionResult> =>
          services.admission.admit({
            appId: account.id,
            clientMsgId: consoleClientMsgId(key, n),
            signature: account.signature,
            content: chunk.content,
            srcExt: account.extCode,
            islong: body.islong === true,
            category: 'notice',
            sendAt: resolved.sendAt,
            recipients: chunk.recipients,
            requestedBy: username,
            ...(reviewId !== undefined && { reviewId }),
          }),
        ),
      );
      services.wakeDispatcher();

      const summary = summarise(results, chunks);
      const { batchIds, charged, counts } = summary;
      const outcome = {
        accepted: (counts.QUEUED ?? 0) + (counts.HELD ?? 0),
        held: counts.HELD ?? 0,
        blocked: counts.BLOCKED ?? 0,
        failed: counts.FAILED ?? 0,
        invalid: plan.problems.length,
        duplicates: plan.duplicates.length,
        notSent: summary.notSent,
        refusedWords: summary.refusedWords,
      };
      const notSent = summary.notSent;
      const replayed = summary.replayed;
      const notBefore = summary.notBefore;
      const heldByQuietHours = summary.heldByQuietHours;
      await ctx.audit(request, {
        kind: 'operation',
        action: 'send',
        target: `app:${account.name}`,
        result: notSent > 0 ? 'failed' : 'ok',
        detail: {
          taskId: task.id,
          app: account.name,
          fileName: resolved.fileName,
          templateId: resolved.templateId,
          recipients: plan.valid,
          ...outcome,
          charged,
          reviewId: reviewId ?? null,
          batchCount: batchIds.length,
          batchIds: batchIds.slice(0, LISTED_BATCHES),
        },
      });
      return {
        task: taskView(task),
        key,
        appId: account.id,
        replayed,
        ...outcome,
        charged,
        review: { required: reviewRequired, kind: reviewKind, reviewId: reviewId ?? null },
        batchIds: batchIds.slice(0, LISTED_BATCHES),
        batchCount: batchIds.length,
        notBefore: notBefore === undefined ? null : isoBeijing(notBefore),
        heldByQuietHours,
      };
    },
  );

  app.get<{ Querystring: SendStatusQuery }>(
    '/console/api/send/status',
    {
      preHandler: mayDo,
      config: { quietAudit: true },
      schema: { querystring: requestSchema(sendStatusQuery), response: responseSchema(sendStatus) },
    },
    async (request): Promise<SendStatus> => ({
      task: taskView(await sendTaskByKey(db, request.query.appId, request.query.key)),
      ...progressView(await sendProgress(db, request.query.appId, request.query.key)),
    }),
  );
};
