/**
 * Password locks (docs/security.md §2, docs/sftp.md) for `app.manage`: which account is locked from
 * which address, on which channel (the interface password or the SFTP password) and until when, and
 * lifting them (audited). The interface reads a lifted lock within a second; SFTP at the next login.
 */
import { liftInterfaceLocks, listInterfaceLocks } from '../../store/interface-locks.js';
import { requestSchema } from '../contract/schema.js';
import { unlockBody, type UnlockBody } from '../contract/sftp.js';
import type { ConsoleRoutes } from '../context.js';

export const interfaceLocksRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');

  app.get('/console/api/apps/locks', { preHandler: guard }, async () => ({
    locks: await listInterfaceLocks(db, ctx.now()),
  }));

  app.post<{ Params: { id: number }; Body: UnlockBody }>(
    '/console/api/apps/:id/unlock',
    {
      preHandler: guard,
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0 } } },
        body: requestSchema(unlockBody),
      },
    },
    async (request) => {
      const { source, channel } = request.body;
      const lifted = await liftInterfaceLocks(db, request.params.id, source, channel);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.unlock',
        target: String(request.params.id),
        result: 'ok',
        detail: { source: source ?? null, channel: channel ?? null, lifted },
      });
      return { lifted };
    },
  );
};
