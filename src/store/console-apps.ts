/**
 * Business-system accounts as the console manages them: the list with today's volume, and the
 * changes an administrator makes (create, edit, status, top-up, new password). The interface reads
 * accounts through a one-second cache (src/interface/credentials.ts), so every change here reaches
 * it within a second without telling it.
 */
import type { Kysely } from 'kysely';
import type { AppRow, Database } from './schema.js';
import type { IdAllocator } from './ids.js';

/** Account 0 is the platform's own sender ("12333服务"): never listed or changed here. */
export const SERVICE_APP_ID = 0;

export interface ConsoleApp {
  id: number;
  name: string;
  status: AppRow['status'];
  balance: number;
  signature: string;
  extCode: string;
  ipWhitelist: string[];
  reportUrl: string | null;
  replyUrl: string | null;
  /** On the ministry platform: the province the account belongs to (docs/federation.md). */
  province: string | null;
  /** What the interface checks beside the password, and the registered client certificate. */
  authMode: AppRow['auth_mode'];
  certSubject: string | null;
  certNotAfter: number | null;
  createdAt: number;
  updatedAt: number;
  todayMessages: number;
}

export interface AppFields {
  signature: string;
  extCode: string;
  ipWhitelist: string[];
  reportUrl: string | null;
  replyUrl: string | null;
  province: string | null;
}

function view(row: AppRow, todayMessages: number): ConsoleApp {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    balance: row.balance,
    signature: row.signature,
    extCode: row.ext_code,
    ipWhitelist: row.ip_whitelist ? row.ip_whitelist.split(',').filter(Boolean) : [],
    reportUrl: row.report_url,
    replyUrl: row.reply_url,
    province: row.province,
    authMode: row.auth_mode,
    certSubject: row.cert_subject,
    certNotAfter: row.cert_not_after,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    todayMessages,
  };
}

/** Every account but the service one, with the messages it submitted since `dayStart`. */
export async function listConsoleApps(db: Kysely<Database>, dayStart: number): Promise<ConsoleApp[]> {
  const rows = await db
    .selectFrom('apps')
    .selectAll()
    .where('id', '<>', SERVICE_APP_ID)
    .orderBy('id')
    .execute();
  const counts = await db
    .selectFrom('messages')
    .select(['app_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('created_at', '>=', dayStart)
    .where('app_id', '<>', SERVICE_APP_ID)
    .groupBy('app_id')
    .execute();
  const byApp = new Map(counts.map((c) => [c.app_id, Number(c.n)]));
  return rows.map((r) => view(r, byApp.get(r.id) ?? 0));
}

export async function findConsoleApp(db: Kysely<Database>, id: number): Promise<ConsoleApp | null> {
  if (id === SERVICE_APP_ID) return null;
  const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? view(row, 0) : null;
}

/** The account (other than `exceptId`) that already uses this extension code, if any. */
async function extCodeOwner(db: Kysely<Database>, extCode: string, exceptId: number): Promise<string | null> {
  if (extCode === '') return null;
  const row = await db
    .selectFrom('apps')
    .select('name')
    .where('ext_code', '=', extCode)
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return row?.name ?? null;
}

export type CreateOutcome =
  | { ok: true; app: ConsoleApp }
  | { ok: false; reason: 'name-taken' }
  | { ok: false; reason: 'ext-taken'; owner: string };

export async function createConsoleApp(
  db: Kysely<Database>,
  ids: IdAllocator,
  input: AppFields & { name: string; passwordHash: string; balance: number },
  now: number,
): Promise<CreateOutcome> {
  const id = await ids.nextId();
  return db.transaction().execute(async (tx): Promise<CreateOutcome> => {
    if (await tx.selectFrom('apps').select('id').where('name', '=', input.name).executeTakeFirst())
      return { ok: false, reason: 'name-taken' };
    const owner = await extCodeOwner(tx, input.extCode, -1);
    if (owner !== null) return { ok: false, reason: 'ext-taken', owner };
    await tx
      .insertInto('apps')
      .values({
        id,
        name: input.name,
        password_hash: input.passwordHash,
        ip_whitelist: input.ipWhitelist.join(','),
        balance: input.balance,
        signature: input.signature,
        ext_code: input.extCode,
        status: 'active',
        report_url: input.reportUrl,
        reply_url: input.replyUrl,
        province: input.province,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const row = await tx.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { ok: true, app: view(row, 0) };
  });
}

export type EditOutcome =
  | { ok: true; before: ConsoleApp; after: ConsoleApp }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'ext-taken'; owner: string };

export async function editConsoleApp(
  db: Kysely<Database>,
  id: number,
  fields: AppFields,
  now: number,
): Promise<EditOutcome> {
  if (id === SERVICE_APP_ID) return { ok: false, reason: 'not-found' };
  return db.transaction().execute(async (tx): Promise<EditOutcome> => {
    const before = await tx.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return { ok: false, reason: 'not-found' };
    const owner = await extCodeOwner(tx, fields.extCode, id);
    if (owner !== null) return { ok: false, reason: 'ext-taken', owner };
    await tx
      .updateTable('apps')
      .set({
        signature: fields.signature,
        ext_code: fields.extCode,
        ip_whitelist: fields.ipWhitelist.join(','),
        report_url: fields.reportUrl,
        reply_url: fields.replyUrl,
        province: fields.province,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    const after = await tx.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { ok: true, before: view(before, 0), after: view(after, 0) };
  });
}

/** Sets the status; null when there is no such account. */
export async function setConsoleAppStatus(
  db: Kysely<Database>,
  id: number,
  status: AppRow['status'],
  now: number,
): Promise<{ before: AppRow['status']; app: ConsoleApp } | null> {
  if (id === SERVICE_APP_ID) return null;
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    await tx.updateTable('apps').set({ status, updated_at: now }).where('id', '=', id).execute();
    return { before: row.status, app: view({ ...row, status, updated_at: now }, 0) };
  });
}

/** Adds segments to the balance in one statement (no lost update against sends charging it). */
export async function topUpConsoleApp(
  db: Kysely<Database>,
  id: number,
  segments: number,
  now: number,
): Promise<{ name: string; before: number; after: number } | null> {
  if (id === SERVICE_APP_ID) return null;
  return db.transaction().execute(async (tx) => {
    const found = await tx.selectFrom('apps').select('id').where('id', '=', id).executeTakeFirst();
    if (!found) return null;
    await tx
      .updateTable('apps')
      .set((eb) => ({ balance: eb('balance', '+', segments), updated_at: now }))
      .where('id', '=', id)
      .execute();
    const row = await tx
      .selectFrom('apps')
      .select(['name', 'balance'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { name: row.name, before: row.balance - segments, after: row.balance };
  });
}

export async function setConsoleAppPassword(
  db: Kysely<Database>,
  id: number,
  passwordHash: string,
  now: number,
): Promise<string | null> {
  if (id === SERVICE_APP_ID) return null;
  const row = await db.selectFrom('apps').select('name').where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  await db
    .updateTable('apps')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', id)
    .execute();
  return row.name;
}
