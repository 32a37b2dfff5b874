/** Users and roles: the security administrator's page (issue 5 item 3). */
import type { ConsoleRoutes } from '../context.js';

export const userRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;

  app.get('/console/api/users', { preHandler: ctx.allow('user.manage') }, async () => {
    const rows = await db
      .selectFrom('console_users')
      .select(['username', 'roles', 'status', 'locked_until', 'last_login_at', 'totp_secret_enc'])
      .orderBy('username')
      .execute();
    return {
      users: rows.map((r) => ({
        username: r.username,
        roles: r.roles.split(','),
        status: r.status,
        lockedUntil: r.locked_until === null ? null : new Date(r.locked_until).toISOString(),
        lastLoginAt: r.last_login_at === null ? null : new Date(r.last_login_at).toISOString(),
        totpEnrolled: r.totp_secret_enc !== null,
      })),
    };
  });
};
