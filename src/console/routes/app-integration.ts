/**
 * An account's integration beside its password (docs/callbacks.md, docs/sftp.md): how its push
 * callbacks are doing, a new callback secret (shown once), and its SFTP logins and recent files, for
 * `app.manage`.
 */
import { generateCallbackSecret } from '../../pipeline/callbacks.js';
import { findAppById } from '../../store/apps.js';
import { callbackStatus, setCallbackSecret } from '../../store/callbacks.js';
import { SERVICE_APP_ID } from '../../store/console-apps.js';
import { hashPassword } from '../../security/passwords.js';
import { parsePublicKey } from '../../security/ssh-keys.js';
import { getSftpCredentials, recentSftpFiles, setSftpCredentials } from '../../store/sftp.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

export const appIntegrationRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');
  const idParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'integer', minimum: 0 } },
  } as const;

  const named = async (id: number) => {
    const record = id === SERVICE_APP_ID ? null : await findAppById(db, id);
    if (!record) throw consoleError('APP_NOT_FOUND');
    return record;
  };

  app.get<{ Params: { id: number } }>(
    '/console/api/apps/:id/callbacks',
    { preHandler: guard, schema: { params: idParams } },
    async (request) => {
      const record = await named(request.params.id);
      return { hasSecret: record.callbackSecretEnc !== null, feeds: await callbackStatus(db, record.id) };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/console/api/apps/:id/callback-secret',
    { preHandler: guard, schema: { params: idParams } },
    async (request) => {
      const record = await named(request.params.id);
      const secret = generateCallbackSecret();
      await setCallbackSecret(db, record.id, ctx.deps.cipher.encrypt(secret), ctx.now());
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.callback-secret',
        target: record.name,
        result: 'ok',
      });
      return { callbackSecret: secret };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/console/api/apps/:id/sftp',
    { preHandler: guard, schema: { params: idParams } },
    async (request) => {
      const record = await named(request.params.id);
      const creds = await getSftpCredentials(db, record.id);
      return {
        publicKeys: creds.publicKeys,
        hasPassword: creds.passwordHash !== null,
        files: (await recentSftpFiles(db, record.id, 20)).map((f) => ({
          name: f.name,
          status: f.status,
          rows: f.rows,
          accepted: f.accepted,
          error: f.error,
          receivedAt: f.receivedAt,
        })),
      };
    },
  );

  app.put<{ Params: { id: number }; Body: { publicKeys?: string[]; password?: string | null } }>(
    '/console/api/apps/:id/sftp',
    {
      preHandler: guard,
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            publicKeys: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 8192 } },
            password: { type: ['string', 'null'], minLength: 8, maxLength: 128 },
          },
        },
      },
    },
    async (request) => {
      const record = await named(request.params.id);
      const { publicKeys, password } = request.body;
      const keys = publicKeys?.map((k) => k.trim()).filter(Boolean);
      const bad = keys?.findIndex((k) => parsePublicKey(k) === null) ?? -1;
      if (bad !== -1)
        throw consoleError('INVALID', `第 ${bad + 1} 个公钥不是 OpenSSH 公钥`, { field: 'publicKeys' });
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
          passwordSet: typeof password === 'string',
          passwordCleared: password === null,
        },
      });
      return { publicKeys: after.publicKeys, hasPassword: after.passwordHash !== null };
    },
  );
};
