/**
 * Message templates with review. Operators write them (template.manage):
 * a new or edited template is `pending`; a reviewer (template.review) approves or rejects it with a
 * note, never their own. Only approved templates can be sent, from the console and through the
 * interface's `templateId`. Creates, edits and deletes are `data` audit entries; decisions are
 * `operation` entries.
 */
import type { FastifyRequest } from 'fastify';
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
  type TemplateStatus,
} from '../../store/templates.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

interface TemplateBody {
  appId: number | null;
  name: string;
  content: string;
}

const templateBodySchema = {
  type: 'object',
  required: ['appId', 'name', 'content'],
  additionalProperties: false,
  properties: {
    appId: { type: ['integer', 'null'], minimum: 1 },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    content: { type: 'string', minLength: 1, maxLength: 1000 },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

const noteSchema = (required: boolean) =>
  ({
    type: 'object',
    required: required ? ['note'] : [],
    additionalProperties: false,
    properties: { note: { type: 'string', minLength: required ? 1 : 0, maxLength: 500 } },
  }) as const;

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
    return { appId: body.appId, name, content };
  };

  app.get<{ Querystring: { status?: TemplateStatus } }>(
    '/console/api/templates',
    {
      preHandler: ctx.allow('template.manage', 'template.review'),
      schema: {
        querystring: {
          type: 'object',
          properties: { status: { type: 'string', enum: ['pending', 'approved', 'rejected'] } },
        },
      },
    },
    async (request) => {
      const [templates, apps] = await Promise.all([
        listTemplates(db, { status: request.query.status }),
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
    { preHandler: manage, schema: { body: templateBodySchema } },
    async (request) => {
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
        detail: { name: body.name, appId: body.appId, content: body.content },
      });
      return { template: created };
    },
  );

  app.put<{ Params: { id: number }; Body: TemplateBody }>(
    '/console/api/templates/:id',
    { preHandler: manage, schema: { params: idParams, body: templateBodySchema } },
    async (request) => {
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
          before: { name: before.name, appId: before.appId, content: before.content, status: before.status },
          after: { ...body, status: 'pending' },
        },
      });
      return { template: await findTemplate(db, id) };
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/console/api/templates/:id',
    { preHandler: manage, schema: { params: idParams } },
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
    request: FastifyRequest<{ Params: { id: number }; Body: { note?: string } }>,
    decision: 'approved' | 'rejected',
  ) => {
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
    return { template: await findTemplate(db, id) };
  };

  app.post<{ Params: { id: number }; Body: { note?: string } }>(
    '/console/api/templates/:id/approve',
    { preHandler: review, schema: { params: idParams, body: noteSchema(false) } },
    (request) => decide(request, 'approved'),
  );

  app.post<{ Params: { id: number }; Body: { note: string } }>(
    '/console/api/templates/:id/reject',
    { preHandler: review, schema: { params: idParams, body: noteSchema(true) } },
    (request) => decide(request, 'rejected'),
  );
};
