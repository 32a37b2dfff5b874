/**
 * The Lists page's calls (routes/lists.ts, web/pages/lists/): black and white lists and the
 * unsubscribed (TD) numbers. Numbers are answered masked, each with a sealed key to remove it by.
 */
import { z } from 'zod';

export const LIST_KINDS = ['BLACKLIST', 'WHITELIST', 'TD'] as const;
export const listKind = z.enum(LIST_KINDS);
export type ListKindName = z.infer<typeof listKind>;

/** Only the two lists staff keep; TD is the citizen's own choice. */
export const editableKind = z.enum(['BLACKLIST', 'WHITELIST']);
export type EditableKind = z.infer<typeof editableKind>;

export const listEntry = z.object({
  /** The number sealed with the data key: what a removal names. */
  key: z.string(),
  /** Masked. */
  mobile: z.string(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});
export type ListEntry = z.infer<typeof listEntry>;

/** GET /lists?kind=&mobile=&page=&pageSize= */
export const listsQuery = z
  .object({
    kind: listKind,
    mobile: z.string().max(20).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();
export type ListsQuery = z.infer<typeof listsQuery>;
export const listsAnswer = z.object({
  counts: z.record(listKind, z.number()),
  total: z.number(),
  entries: z.array(listEntry),
});
export type ListsAnswer = z.infer<typeof listsAnswer>;

/** POST /lists/:kind, /lists/:kind/remove; GET /lists/:kind/export */
export const listKindParams = z.object({ kind: listKind }).strict();
export type ListKindParams = z.infer<typeof listKindParams>;

/** POST /lists/:kind: numbers pasted (commas, spaces or new lines between them). */
export const listAdd = z
  .object({ numbers: z.string().max(200_000), reason: z.string().max(200).optional() })
  .strict();
export type ListAdd = z.infer<typeof listAdd>;
export const listAdded = z.object({
  added: z.number(),
  /** Already on the list. */
  already: z.number(),
  /** The first 50 entries that are not mobile numbers. */
  invalid: z.array(z.string()),
  invalidCount: z.number(),
});
export type ListAdded = z.infer<typeof listAdded>;

/** POST /lists/:kind/remove */
export const listRemove = z.object({ key: z.string().min(1).max(512) }).strict();
export type ListRemove = z.infer<typeof listRemove>;
