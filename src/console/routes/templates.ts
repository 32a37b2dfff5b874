/**
 * Message templates with review. Operators write them (template.manage):
 * a new or edited template is `pending`; a reviewer (template.review) approves or rejects it with a
 * note, never their own. Only approved templates can be sent, from the console and through the
 * interface's `templateId`. Each template is a 验证码 (`otp`) or 通知 (`notice`) text; the kind is
 * the console's label and filter, the interface sends by id alone. Creates, edits and deletes are
 * `data` audit entries; decisions are `operation` entries. Requests and answers: contract/templates.ts.
 */
import type { FastifyRequest } from 'fastify';
import {
  approveBody,
  numericIdParams,
  rejectBody,
  requestSchema,
  responseSchema,
  type DecisionBody,
} from '../contract/schema.js';
import {
  deletedAnswer,
  templateAnswer,
  templateBody,
  templatesAnswer,
  templatesQuery,
  type TemplateAnswer,
  type TemplateBody,
  type TemplatesAnswer,
  type TemplatesQuery,
} from '../contract/templates.js';
import { placeholdersOf } from '../../domain/placeholders.js';
import { listApps } from '../../store/apps.js';
import { SERVICE_APP_ID } from '../../store/citizens.js';
import { IdAllocator } from '../../store/ids.js';
import {
  createTemplate,
  deleteTemplate,
  findTemplate,
  listTemplates,
  reviewTemplate,
  updateTemplate,
  type TemplateRecord,
} from '../../store/templates.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const idParams = requestSchema(numericIdParams);

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const templatesRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const ids = new IdAllocator(db);
  const manage = ctx.allow('template.manage');
  const review = ctx.allow('template.review');

  /** The account must exist (any status: a frozen account's templates may still be prepared). */
  const checkBody = async (body: TemplateBody): Promise<TemplateBody> => {
    const name = body.name.trim();
    const content = body.content.trim();
    if (name === '' || content === '') throw consoleError('INVALID', '名称和内容不能为空');
    // The signature belongs to the account (docs/design.md §5); a template carries none.
    if (/^【[^】]{1,20}】/.test(content))
      throw consoleError('INVALID', '模板内容不能自带签名，签名由业务系统账户决定', { field: 'content' });
    if (body.appId !== null) {
      const apps = await listApps(db);
      if (body.appId === SERVICE_APP_ID || !apps.some((a) => a.id === body.appId))
        throw consoleError('SEND_APP_UNAVAILABLE');
    }
    return { appId: body.appId, name, kind: body.kind, content };
  };

  const stored = async (id: number): Promise<TemplateAnswer> => {
    const template: TemplateRecord | null = await findTemplate(db, id);
    if (!template) throw consoleError('TEMPLATE_NOT_FOUND');
    return { template };
  };

  app.get<{ Querystring: TemplatesQuery }>(
    '/console/api/templates',
    {
      preHandler: ctx.allow('template.manage', 'template.review'),
      schema: { querystring: requestSchema(templatesQuery), response: responseSchema(templatesAnswer) },
    },
    async (request): Promise<TemplatesAnswer> => {
      const [templates, apps] = await Promise.all([
        listTemplates(db, { status: request.query.status, kind: request.query.kind }),
        listApps(db),
      ]);
      return {
        templates: templates.map((t) => ({
          ...t,
          variables: placeholdersOf(t.content),
          createdAt: iso(t.createdAt),
          updatedAt: iso(t.updatedAt),
          reviewedAt: iso(t.reviewedAt),
        })),
        // For the account selector and the counter (signature + content).
        apps: apps
          .filter((a) => a.id !== SERVICE_APP_ID)
          .map((a) => ({ id: a.id, name: a.name, signature: a.signature, status: a.status })),
      };
    },
  );

  app.post<{ Body: TemplateBody }>(
    '/console/api/templates',
    {
      preHandler: manage,
      schema: { body: requestSchema(templateBody), response: responseSchema(templateAnswer) },
    },
    async (request): Promise<TemplateAnswer> => {
      const body = await checkBody(request.body);
      const { username } = ctx.current(request).user;
      const created = await createTemplate(
        db,
        ids,
        { ...body, status: 'pending', createdBy: username },
        ctx.now(),
      );
      await ctx.audit(request, {
        kind: 'data',
        action: 'template.create',
        target: `template:${created.id}`,
        result: 'ok',
        detail: { name: body.name, appId: body.appId, kind: body.kind, content: body.content },
      });
      return { template: created };
    },
  );

  app.put<{ Params: { id: number }; Body: TemplateBody }>(
    '/console/api/templates/:id',
    {
      preHandler: manage,
      schema: {
        params: idParams,
        body: requestSchema(templateBody),
        response: responseSchema(templateAnswer),
      },
    },
    async (request): Promise<TemplateAnswer> => {
      const { id } = request.params;
      const before = await findTemplate(db, id);
      if (!before) throw consoleError('TEMPLATE_NOT_FOUND');
      const body = await checkBody(request.body);
      const { username } = ctx.current(request).user;
      if (!(await updateTemplate(db, id, { ...body, editedBy: username }, ctx.now())))
        throw consoleError('TEMPLATE_NOT_FOUND');
      await ctx.audit(request, {
        kind: 'data',
        action: 'template.update',
        target: `template:${id}`,
        result: 'ok',
        detail: {
          before: {
            name: before.name,
            appId: before.appId,
            kind: before.kind,
            content: before.content,
            status: before.status,
          },
          after: { ...body, status: 'pending' },
        },
      });
      return stored(id);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/console/api/templates/:id',
    { preHandler: manage, schema: { params: idParams, response: responseSchema(deletedAnswer) } },
    async (request) => {
      const { id } = request.params;
      const before = await findTemplate(db, id);
      if (!before || !(await deleteTemplate(db, id))) throw consoleError('TEMPLATE_NOT_FOUND');
      await ctx.audit(request, {
        kind: 'data',
        action: 'template.delete',
        target: `template:${id}`,
        result: 'ok',
        detail: { name: before.name, appId: before.appId, status: before.status },
      });
      return { deleted: id };
    },
  );

  const decide = async (
    request: FastifyRequest<{ Params: { id: number }; Body: DecisionBody }>,
    decision: 'approved' | 'rejected',
  ): Promise<TemplateAnswer> => {
    const { id } = request.params;
    const [template] = await listTemplates(db, { id });
    if (!template) throw consoleError('TEMPLATE_NOT_FOUND');
    const { username } = ctx.current(request).user;
    // Four eyes: whoever wrote or last edited the text does not approve it.
    if (template.createdBy === username) throw consoleError('TEMPLATE_SELF_REVIEW');
    const note = request.body.note?.trim() ?? '';
    const done = await reviewTemplate(
      db,
      id,
      { status: decision, reviewer: username, note: note === '' ? null : note },
      ctx.now(),
    );
    await ctx.audit(request, {
      kind: 'operation',
      action: decision === 'approved' ? 'template.approve' : 'template.reject',
      target: `template:${id}`,
      result: done ? 'ok' : 'failed',
      detail: { name: template.name, note: note === '' ? null : note },
    });
    if (!done) throw consoleError('TEMPLATE_NOT_PENDING');
    return stored(id);
  };

  app.post<{ Params: { id: number }; Body: DecisionBody }>(
    '/console/api/templates/:id/approve',
    {
      preHandler: review,
      schema: {
        params: idParams,
        body: requestSchema(approveBody),
        response: responseSchema(templateAnswer),
      },
    },
    (request) => decide(request, 'approved'),
  );

  app.post<{ Params: { id: number }; Body: DecisionBody }>(
    '/console/api/templates/:id/reject',
    {
      preHandler: review,
      schema: { params: idParams, body: requestSchema(rejectBody), response: responseSchema(templateAnswer) },
    },
    (request) => decide(request, 'rejected'),
  );
};
