/**
 * Reviews of held messages (docs/design.md §5), for `batch.review`: pending reviews oldest first
 * and decided ones, a detail with masked recipients, approve and reject with a note. Four eyes:
 * the console user who sent a batch cannot decide its review. Decisions are `operation` entries.
 * Requests and answers: contract/reviews.ts.
 */
import type { FastifyRequest } from 'fastify';
import {
  decisionAnswer,
  reviewDetailAnswer,
  reviewsAnswer,
  reviewsQuery,
  type ReviewDetail,
  type ReviewsAnswer,
  type ReviewsQuery,
  type ReviewView,
} from '../contract/reviews.js';
import {
  approveBody,
  numericIdParams,
  rejectBody,
  requestSchema,
  responseSchema,
  type DecisionBody,
} from '../contract/schema.js';
import { compileWords } from '../../domain/sensitive-words.js';
import { maskMobile } from '../../shared/log.js';
import { listReviews, reviewCounts, reviewDetail, type ReviewListItem } from '../../store/review-list.js';
import { approveReview, findReview, rejectReview } from '../../store/reviews.js';
import { listSensitiveWords } from '../../store/sensitive-words.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const idParams = requestSchema(numericIdParams);

export const reviewsRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('batch.review');

  /** Words the sample text hits now, for highlighting (the list may have changed since admission). */
  const hitsOf = async () => {
    const matcher = compileWords(await listSensitiveWords(db));
    return (text: string | null) =>
      text === null
        ? []
        : matcher.find(text).map((h) => ({ word: h.word, action: h.action, start: h.start, end: h.end }));
  };
  const view = (r: ReviewListItem, hits: Awaited<ReturnType<typeof hitsOf>>): ReviewView => ({
    id: r.id,
    kind: r.kind,
    status: r.status,
    appId: r.appId,
    appName: r.appName,
    requestedBy: r.requestedBy,
    messageCount: r.messageCount,
    batches: r.batches,
    sampleText: r.sampleText,
    words: r.summary.words ?? [],
    hits: hits(r.sampleText),
    summary: r.summary,
    createdAt: new Date(r.createdAt).toISOString(),
    decidedBy: r.decidedBy,
    decidedAt: iso(r.decidedAt),
    note: r.note,
  });

  app.get<{ Querystring: ReviewsQuery }>(
    '/console/api/reviews',
    {
      preHandler: guard,
      config: { quietAudit: true },
      schema: { querystring: requestSchema(reviewsQuery), response: responseSchema(reviewsAnswer) },
    },
    async (request): Promise<ReviewsAnswer> => {
      const { status, page, pageSize } = request.query;
      const [counts, found] = await Promise.all([
        reviewCounts(db),
        listReviews(db, { decided: status === 'decided', limit: pageSize, offset: (page - 1) * pageSize }),
      ]);
      const hits = await hitsOf();
      return { counts, total: found.total, items: found.items.map((r) => view(r, hits)) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/console/api/reviews/:id',
    { preHandler: guard, schema: { params: idParams, response: responseSchema(reviewDetailAnswer) } },
    async (request): Promise<{ review: ReviewDetail }> => {
      const detail = await reviewDetail(db, request.params.id);
      if (!detail) throw consoleError('REVIEW_NOT_FOUND');
      const hits = await hitsOf();
      return {
        review: {
          ...view(detail, hits),
          charged: detail.charged,
          category: detail.category,
          sendAt: iso(detail.sendAt),
          byStatus: detail.byStatus,
          recipients: detail.recipients.map((r) => ({ ...r, mobile: maskMobile(r.mobile) })),
        },
      };
    },
  );

  const decide = async (
    request: FastifyRequest<{ Params: { id: number }; Body: DecisionBody }>,
    decision: 'approve' | 'reject',
  ) => {
    const { id } = request.params;
    const review = await findReview(db, id);
    if (!review) throw consoleError('REVIEW_NOT_FOUND');
    const { username } = ctx.current(request).user;
    const note = request.body.note?.trim() ?? '';
    const target = `review:${id}`;
    // Four eyes: whoever sent the batch does not release it.
    if (review.requestedBy === username) {
      await ctx.audit(request, {
        kind: 'operation',
        action: `review.${decision}`,
        target,
        result: 'denied',
        detail: { reason: 'own review' },
      });
      throw consoleError('REVIEW_SELF');
    }
    const services = ctx.services();
    const d = { reviewId: id, by: username, note: note === '' ? null : note, now: ctx.now() };
    const done =
      decision === 'approve'
        ? await approveReview(db, d)
        : await rejectReview(db, ctx.deps.handle.caps, services.ids, d);
    if (decision === 'approve' && done.kind === 'decided') services.wakeDispatcher();
    await ctx.audit(request, {
      kind: 'operation',
      action: `review.${decision}`,
      target,
      result: done.kind === 'decided' ? 'ok' : 'failed',
      detail: {
        kind: review.kind,
        appId: review.appId,
        requestedBy: review.requestedBy,
        messages: done.kind === 'decided' ? done.messages : 0,
        note: d.note,
      },
    });
    if (done.kind !== 'decided') throw consoleError('REVIEW_NOT_PENDING', undefined, { status: done.status });
    return {
      id,
      status: decision === 'approve' ? ('approved' as const) : ('rejected' as const),
      messages: done.messages,
    };
  };

  app.post<{ Params: { id: number }; Body: DecisionBody }>(
    '/console/api/reviews/:id/approve',
    {
      preHandler: guard,
      schema: {
        params: idParams,
        body: requestSchema(approveBody),
        response: responseSchema(decisionAnswer),
      },
    },
    (request) => decide(request, 'approve'),
  );

  app.post<{ Params: { id: number }; Body: DecisionBody }>(
    '/console/api/reviews/:id/reject',
    {
      preHandler: guard,
      schema: { params: idParams, body: requestSchema(rejectBody), response: responseSchema(decisionAnswer) },
    },
    (request) => decide(request, 'reject'),
  );
};
