/** Business-system accounts (Appendix A's appName): credentials, whitelist, balance, signature. */
import type { Kysely } from 'kysely';
import type { AppRow, Database } from './schema.js';
import type { IdAllocator } from './ids.js';

export interface AppRecord {
  id: number;
  name: string;
  passwordHash: string;
  ipWhitelist: string[];
  balance: number;
  signature: string;
  extCode: string;
  status: AppRow['status'];
  reportUrl: string | null;
  replyUrl: string | null;
  /** The callback secret, sealed (docs/callbacks.md); null until one is made. */
  callbackSecretEnc: string | null;
  authMode: AppRow['auth_mode'];
  /** The registered client certificate (docs/design.md §4.2, standard §8.2 e). */
  certFingerprint: string | null;
  certSubject: string | null;
  certNotAfter: number | null;
  updatedAt: number;
  /** On the ministry platform: the province this account belongs to (docs/federation.md); null otherwise. */
  province: string | null;
}

function toRecord(row: AppRow): AppRecord {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.password_hash,
    ipWhitelist: row.ip_whitelist ? row.ip_whitelist.split(',').filter(Boolean) : [],
    balance: row.balance,
    signature: row.signature,
    extCode: row.ext_code,
    status: row.status,
    reportUrl: row.report_url,
    replyUrl: row.reply_url,
    callbackSecretEnc: row.callback_secret_enc,
    authMode: row.auth_mode,
    certFingerprint: row.cert_fingerprint,
    certSubject: row.cert_subject,
    certNotAfter: row.cert_not_after,
    updatedAt: row.updated_at,
    province: row.province,
  };
}

export async function findAppByName(db: Kysely<Database>, name: string): Promise<AppRecord | null> {
  const row = await db.selectFrom('apps').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function findAppById(db: Kysely<Database>, id: number): Promise<AppRecord | null> {
  const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listApps(db: Kysely<Database>): Promise<AppRecord[]> {
  const rows = await db.selectFrom('apps').selectAll().orderBy('id').execute();
  return rows.map(toRecord);
}

export interface AppChanges {
  passwordHash?: string;
  ipWhitelist?: string[];
  /** Sets the balance to this value. */
  balance?: number;
  signature?: string;
  extCode?: string;
  status?: AppRow['status'];
  /** Two-digit province code; null removes it. */
  province?: string | null;
  reportUrl?: string | null;
  replyUrl?: string | null;
  callbackSecretEnc?: string;
  authMode?: AppRow['auth_mode'];
  /** The client certificate bound to the account; null removes it. */
  certificate?: { fingerprint: string; subject: string; notAfter: number } | null;
}

function certificateColumns(c: AppChanges['certificate'] | null) {
  return {
    cert_fingerprint: c?.fingerprint ?? null,
    cert_subject: c?.subject ?? null,
    cert_not_after: c?.notAfter ?? null,
  };
}

/** The account a client certificate is registered to, if any. */
export async function findAppByCertificate(
  db: Kysely<Database>,
  fingerprint: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('apps')
    .select('name')
    .where('cert_fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return row?.name ?? null;
}

/** Creates the account, or updates the given fields of an existing one with that name. */
export async function upsertApp(
  db: Kysely<Database>,
  ids: IdAllocator,
  name: string,
  changes: AppChanges & { passwordHash: string },
  now = Date.now(),
): Promise<{ app: AppRecord; created: boolean }> {
  const id = await ids.nextId();
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('apps').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) {
      await tx
        .updateTable('apps')
        .set({
          password_hash: changes.passwordHash,
          ...(changes.ipWhitelist !== undefined && { ip_whitelist: changes.ipWhitelist.join(',') }),
          ...(changes.balance !== undefined && { balance: changes.balance }),
          ...(changes.signature !== undefined && { signature: changes.signature }),
          ...(changes.extCode !== undefined && { ext_code: changes.extCode }),
          ...(changes.status !== undefined && { status: changes.status }),
          ...(changes.province !== undefined && { province: changes.province }),
          ...(changes.reportUrl !== undefined && { report_url: changes.reportUrl }),
          ...(changes.replyUrl !== undefined && { reply_url: changes.replyUrl }),
          ...(changes.callbackSecretEnc !== undefined && { callback_secret_enc: changes.callbackSecretEnc }),
          ...(changes.authMode !== undefined && { auth_mode: changes.authMode }),
          ...(changes.certificate !== undefined && certificateColumns(changes.certificate)),
          updated_at: now,
        })
        .where('id', '=', existing.id)
        .execute();
    } else {
      await tx
        .insertInto('apps')
        .values({
          id,
          name,
          password_hash: changes.passwordHash,
          ip_whitelist: (changes.ipWhitelist ?? []).join(','),
          balance: changes.balance ?? 0,
          signature: changes.signature ?? '',
          ext_code: changes.extCode ?? '',
          status: changes.status ?? 'active',
          report_url: changes.reportUrl ?? null,
          reply_url: changes.replyUrl ?? null,
          callback_secret_enc: changes.callbackSecretEnc ?? null,
          auth_mode: changes.authMode ?? 'whitelist',
          ...certificateColumns(changes.certificate ?? null),
          created_at: now,
          updated_at: now,
          province: changes.province ?? null,
        })
        .execute();
    }
    const row = await tx.selectFrom('apps').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    return { app: toRecord(row), created: !existing };
  });
}

export async function getBalance(db: Kysely<Database>, appId: number): Promise<number> {
  const row = await db.selectFrom('apps').select('balance').where('id', '=', appId).executeTakeFirst();
  return row ? row.balance : 0;
}
