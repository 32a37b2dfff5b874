/**
 * Message templates a business system may send by id (content with `{name}` variables). A template
 * belongs to one account or, with no account, to all. Written or edited in the console it is
 * `pending` until a reviewer approves it; only `approved` ones can be sent (console and interface).
 */
import type { Kysely } from 'kysely';
import type { TemplateKind } from '../domain/template-kind.js';
import type { Database } from './schema.js';
import type { IdAllocator } from './ids.js';

export type TemplateStatus = 'pending' | 'approved' | 'rejected';

export interface TemplateRecord {
  id: number;
  appId: number | null;
  name: string;
  kind: TemplateKind;
  content: string;
  status: TemplateStatus;
}

/** A template as the console lists it: who wrote it and who reviewed it. */
export interface TemplateDetail extends TemplateRecord {
  appName: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  reviewedBy: string | null;
  reviewedAt: number | null;
  reviewNote: string | null;
}

export async function findTemplate(db: Kysely<Database>, id: number): Promise<TemplateRecord | null> {
  const row = await db.selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? {
        id: row.id,
        appId: row.app_id,
        name: row.name,
        kind: row.kind,
        content: row.content,
        status: row.status,
      }
    : null;
}

export async function createTemplate(
  db: Kysely<Database>,
  ids: IdAllocator,
  t: {
    appId: number | null;
    name: string;
    kind?: TemplateKind;
    content: string;
    status: TemplateStatus;
    createdBy?: string;
  },
  now = Date.now(),
): Promise<TemplateRecord> {
  const id = await ids.nextId();
  const kind = t.kind ?? 'notice';
  await db
    .insertInto('templates')
    .values({
      id,
      app_id: t.appId,
      name: t.name,
      kind,
      content: t.content,
      status: t.status,
      created_at: now,
      updated_at: now,
      created_by: t.createdBy ?? null,
    })
    .execute();
  return { id, appId: t.appId, name: t.name, kind, content: t.content, status: t.status };
}

export interface TemplateFilter {
  id?: number | undefined;
  status?: TemplateStatus | undefined;
  kind?: TemplateKind | undefined;
  /** Templates of this account and those for all accounts. */
  usableBy?: number | undefined;
}

export async function listTemplates(
  db: Kysely<Database>,
  filter: TemplateFilter = {},
): Promise<TemplateDetail[]> {
  let query = db
    .selectFrom('templates as t')
    .leftJoin('apps as a', 'a.id', 't.app_id')
    .selectAll('t')
    .select('a.name as app_name')
    .orderBy('t.updated_at', 'desc')
    .orderBy('t.id', 'desc');
  if (filter.id !== undefined) query = query.where('t.id', '=', filter.id);
  if (filter.status !== undefined) query = query.where('t.status', '=', filter.status);
  if (filter.kind !== undefined) query = query.where('t.kind', '=', filter.kind);
  const usableBy = filter.usableBy;
  if (usableBy !== undefined)
    query = query.where((eb) => eb.or([eb('t.app_id', 'is', null), eb('t.app_id', '=', usableBy)]));
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    appId: r.app_id,
    appName: r.app_name,
    name: r.name,
    kind: r.kind,
    content: r.content,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
    reviewNote: r.review_note,
  }));
}

/** New text or account: back to `pending`, the earlier review forgotten. False when there is no such template. */
export async function updateTemplate(
  db: Kysely<Database>,
  id: number,
  t: { appId: number | null; name: string; kind: TemplateKind; content: string; editedBy: string },
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .updateTable('templates')
    .set({
      app_id: t.appId,
      name: t.name,
      kind: t.kind,
      content: t.content,
      status: 'pending',
      created_by: t.editedBy,
      updated_at: now,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteTemplate(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('templates').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Approves or rejects a pending template. Only a pending one changes (two reviewers at once: the
 * second finds it decided); false otherwise.
 */
export async function reviewTemplate(
  db: Kysely<Database>,
  id: number,
  decision: { status: 'approved' | 'rejected'; reviewer: string; note: string | null },
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .updateTable('templates')
    .set({
      status: decision.status,
      reviewed_by: decision.reviewer,
      reviewed_at: now,
      review_note: decision.note,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
