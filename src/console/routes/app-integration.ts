/**
 * An account's integration beside its password (docs/callbacks.md): how its push callbacks are
 * doing, and a new callback secret (shown once) for `app.manage`.
 */
import { generateCallbackSecret } from '../../pipeline/callbacks.js';
import { findAppById } from '../../store/apps.js';
import { callbackStatus, setCallbackSecret } from '../../store/callbacks.js';
import { SERVICE_APP_ID } from '../../store/console-apps.js';
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
};
