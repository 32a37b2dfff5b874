/**
 * One account's SFTP batch interface for `app.manage` (docs/sftp.md "On the console";
 * contract/sftp.ts): its public keys with their fingerprints and whether a password is set, changed
 * here (audited as `app.sftp` with the fingerprints added and removed — never a key's text nor the
 * password); its password locks (the interface's and SFTP's, lifted through `apps/:id/unlock`); the
 * files it sent with their counts, state and the files written back; its last logins, read from the
 * interface access log.
 */
import { describePublicKey, parsePublicKey } from '../../security/ssh-keys.js';
import { hashPassword } from '../../security/passwords.js';
import { searchAccessLog } from '../../store/access-log.js';
import { findAppById } from '../../store/apps.js';
import { SERVICE_APP_ID } from '../../store/console-apps.js';
import { listInterfaceLocks } from '../../store/interface-locks.js';
import { getSftpCredentials, recentSftpFiles, setSftpCredentials, type SftpFile } from '../../store/sftp.js';
import { appIdParams } from '../contract/integration.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import {
  sftpAnswer,
  sftpChange,
  sftpChangeAnswer,
  type SftpAnswer,
  type SftpChange,
  type SftpChangeAnswer,
  type SftpFileView,
  type SftpKeyView,
} from '../contract/sftp.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

const FILES_SHOWN = 50;
const LOGINS_SHOWN = 20;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function keyView(line: string): SftpKeyView {
  const d = describePublicKey(line);
  return { line, algo: d?.algo ?? '?', fingerprint: d?.fingerprint ?? '?', comment: d?.comment ?? '' };
}

function fileView(f: SftpFile): SftpFileView {
  const outputs: string[] = [];
  if (f.admittedAt !== null) outputs.push(`${f.name}.result.csv`);
  if (f.reportedAt !== null) outputs.push(`${f.name}.report.csv`);
  if (f.rejectedAt !== null || f.status === 'rejected' || f.repeats > 0) outputs.push(`${f.name}.error.txt`);
  const answered = f.status === 'admitted' || f.status === 'reported';
  return {
    id: String(f.id),
    name: f.name,
    status: f.status,
    bytes: f.bytes,
    rows: f.rows,
    accepted: f.accepted,
    refused: answered ? f.rows - f.accepted : 0,
    error: f.error,
    receivedAt: new Date(f.receivedAt).toISOString(),
    resultAt: iso(f.admittedAt),
    reportAt: iso(f.reportedAt),
    errorAt: iso(f.rejectedAt ?? f.repeatedAt),
    repeats: f.repeats,
    repeatedAt: iso(f.repeatedAt),
    outputs,
  };
}

/** The fingerprints of keys in `a` and not in `b`: what the audit entry names. */
const fingerprintsMissing = (a: readonly string[], b: readonly string[]): string[] => {
  const kept = new Set(b.map((k) => keyView(k).fingerprint));
  return a.map((k) => keyView(k).fingerprint).filter((f) => !kept.has(f));
};

export const appSftpRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');
  const params = requestSchema(appIdParams);

  const named = async (id: number) => {
    const record = id === SERVICE_APP_ID ? null : await findAppById(db, id);
    if (!record) throw consoleError('APP_NOT_FOUND');
    return record;
  };

  // The drawer polls this while open: quiet in the audit log, like the Integration page.
  app.get<{ Params: { id: number } }>(
    '/console/api/apps/:id/sftp',
    {
      preHandler: guard,
      config: { quietAudit: true },
      schema: { params, response: responseSchema(sftpAnswer) },
    },
    async (request): Promise<SftpAnswer> => {
      const record = await named(request.params.id);
      const now = ctx.now();
      const creds = await getSftpCredentials(db, record.id);
      const port = ctx.deps.services?.sftpPort?.() ?? null;
      const logins = await searchAccessLog(db, { appName: record.name, path: 'sftp:*' }, LOGINS_SHOWN, 0);
      return {
        name: record.name,
        listener: port === null ? null : { port },
        publicKeys: creds.publicKeys.map(keyView),
        hasPassword: creds.passwordHash !== null,
        locks: (await listInterfaceLocks(db, now, record.id)).map((l) => ({
          channel: l.channel,
          source: l.source,
          attempts: l.attempts,
          lockedUntil: new Date(l.lockedUntil).toISOString(),
        })),
        files: (await recentSftpFiles(db, record.id, FILES_SHOWN)).map(fileView),
        logins: logins.entries.map((e) => ({
          id: String(e.id),
          at: new Date(e.at).toISOString(),
          sourceIp: e.source_ip,
          method: e.path.replace(/^sftp:/, ''),
          code: e.code,
          msg: e.msg,
        })),
      };
    },
  );

  app.put<{ Params: { id: number }; Body: SftpChange }>(
    '/console/api/apps/:id/sftp',
    {
      preHandler: guard,
      schema: { params, body: requestSchema(sftpChange), response: responseSchema(sftpChangeAnswer) },
    },
    async (request): Promise<SftpChangeAnswer> => {
      const record = await named(request.params.id);
      const { publicKeys, password } = request.body;
      const keys = publicKeys?.map((k) => k.trim()).filter(Boolean);
      const bad = keys?.findIndex((k) => parsePublicKey(k) === null) ?? -1;
      if (bad !== -1)
        throw consoleError('INVALID', `第 ${bad + 1} 个公钥不是 OpenSSH 公钥`, {
          field: 'publicKeys',
          messageEn: `key ${bad + 1} is not an OpenSSH public key`,
        });
      const before = await getSftpCredentials(db, record.id);
      const after = await setSftpCredentials(
        db,
        record.id,
        {
          ...(keys !== undefined && { publicKeys: keys }),
          ...(password !== undefined && {
            passwordHash: password === null ? null : await hashPassword(password),
          }),
        },
        ctx.now(),
      );
      await ctx.audit(request, {
        kind: 'data',
        action: 'app.sftp',
        target: record.name,
        result: 'ok',
        detail: {
          keys: after.publicKeys.length,
          keysAdded: fingerprintsMissing(after.publicKeys, before.publicKeys),
          keysRemoved: fingerprintsMissing(before.publicKeys, after.publicKeys),
          passwordSet: typeof password === 'string',
          passwordCleared: password === null,
        },
      });
      return { publicKeys: after.publicKeys, hasPassword: after.passwordHash !== null };
    },
  );
};
