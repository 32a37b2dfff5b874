/**
 * Citizens' password-command locks (docs/security.md §5) for `ticket.handle`: staff see which phone
 * or SSN is locked until when — the phone masked, the SSN only as a reference, since it is kept as a
 * keyed hash — and lift a lock after checking the caller's identity (audited).
 */
import { maskMobile } from '../../shared/log.js';
import { liftPasswordLock, listPasswordLocks, type FailureScope } from '../../store/citizens.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

/** The phone part of a subject, masked; the SSN hash shortened to a reference. */
function describe(scope: FailureScope, subject: string): { mobile: string | null; ssnRef: string | null } {
  const [first = '', second = ''] = subject.split('|');
  if (scope === 'mobile') return { mobile: maskMobile(first), ssnRef: null };
  if (scope === 'ssn') return { mobile: null, ssnRef: first.slice(0, 8) };
  return { mobile: maskMobile(second), ssnRef: first.slice(0, 8) };
}

export const citizenLocksRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;
  const guard = ctx.allow('ticket.handle');

  app.get('/console/api/citizen-locks', { preHandler: guard }, async () => ({
    locks: (await listPasswordLocks(db, ctx.now())).map((l) => ({
      scope: l.scope,
      // The handle to lift it by; opaque to the page.
      id: Buffer.from(`${l.scope}\n${l.subject}`).toString('base64url'),
      ...describe(l.scope, l.subject),
      failures: l.failures,
      lockedUntil: l.lockedUntil,
    })),
  }));

  app.post<{ Body: { id: string } }>(
    '/console/api/citizen-locks/lift',
    {
      preHandler: guard,
      schema: {
        body: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: { id: { type: 'string', maxLength: 400 } },
        },
      },
    },
    async (request) => {
      const [scope = '', subject = ''] = Buffer.from(request.body.id, 'base64url').toString().split('\n');
      if (scope !== 'ssn' && scope !== 'mobile' && scope !== 'pair')
        throw consoleError('INVALID', '没有此锁定');
      const lifted = await liftPasswordLock(db, scope, subject);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'citizen.unlock',
        target: scope,
        result: lifted ? 'ok' : 'failed',
        detail: describe(scope, subject),
      });
      return { lifted };
    },
  );
};
