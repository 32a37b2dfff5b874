/** The Templates page's calls (routes/templates.ts, web/pages/templates/). */
import { z } from 'zod';
import { TEMPLATE_KINDS } from '../../domain/template-kind.js';

export const templateStatus = z.enum(['pending', 'approved', 'rejected']);
export type TemplateStatus = z.infer<typeof templateStatus>;

/** 验证码 (`otp`) or 通知 (`notice`): what the template is for (docs/console.md "Templates"). */
export const templateKind = z.enum(TEMPLATE_KINDS);
export type TemplateKind = z.infer<typeof templateKind>;

export const templateView = z.object({
  id: z.number(),
  appId: z.number().nullable(),
  appName: z.string().nullable(),
  name: z.string(),
  kind: templateKind,
  content: z.string(),
  status: templateStatus,
  /** The `{name}` variables of the content, in order. */
  variables: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
});
export type TemplateView = z.infer<typeof templateView>;

/** An account a template can belong to, for the selector and the counter (signature + content). */
export const templateApp = z.object({
  id: z.number(),
  name: z.string(),
  signature: z.string(),
  status: z.string(),
});
export type TemplateApp = z.infer<typeof templateApp>;

/** GET /templates?status=&kind= */
export const templatesQuery = z
  .object({ status: templateStatus.optional(), kind: templateKind.optional() })
  .strict();
export type TemplatesQuery = z.infer<typeof templatesQuery>;

export const templatesAnswer = z.object({ templates: z.array(templateView), apps: z.array(templateApp) });
export type TemplatesAnswer = z.infer<typeof templatesAnswer>;

/** POST /templates and PUT /templates/:id; a new or edited template is pending (a notice unless said). */
export const templateBody = z
  .object({
    appId: z.number().int().min(1).nullable(),
    name: z.string().min(1).max(64),
    kind: templateKind.default('notice'),
    content: z.string().min(1).max(1000),
  })
  .strict();
export type TemplateBody = z.infer<typeof templateBody>;
/** What the page sends (the kind may be left out). */
export type TemplateInput = z.input<typeof templateBody>;

/** The template as stored after a create, an edit or a decision. */
export const templateAnswer = z.object({
  template: z.object({
    id: z.number(),
    appId: z.number().nullable(),
    name: z.string(),
    kind: templateKind,
    content: z.string(),
    status: templateStatus,
  }),
});
export type TemplateAnswer = z.infer<typeof templateAnswer>;

export const deletedAnswer = z.object({ deleted: z.number() });
