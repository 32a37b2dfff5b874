/**
 * Interface password locks (docs/security.md §2) for `app.manage`: which account is locked from
 * which address and until when, and lifting them (audited). The interface reads a lifted lock
 * within a second.
 */
import { liftInterfaceLocks, listInterfaceLocks } from '../../store/interface-locks.js';
import type { ConsoleRoutes } from '../context.js';

export const interfaceLocksRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('app.manage');

  app.get('/console/api/apps/locks', { preHandler: guard }, async () => ({
    locks: await listInterfaceLocks(db, ctx.now()),
  }));

  app.post<{ Params: { id: number }; Body: { source?: string } }>(
    '/console/api/apps/:id/unlock',
    {
      preHandler: guard,
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { source: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request) => {
      const source = request.body.source;
      const lifted = await liftInterfaceLocks(db, request.params.id, source);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'app.unlock',
        target: String(request.params.id),
        result: 'ok',
        detail: { source: source ?? null, lifted },
      });
      return { lifted };
    },
  );
};
