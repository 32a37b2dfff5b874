/**
 * Carrier gateways for `gateway.manage`: each configured link with the router's live state
 * (src/protocols/gateway.ts `status()`). The page polls this every few seconds, so it is quiet in
 * the access log. Credentials (account, secret) are never sent to the browser.
 */
import type { ConsoleRoutes } from '../context.js';

export const gatewaysRoutes: ConsoleRoutes = (app, ctx) => {
  app.get(
    '/console/api/gateways',
    { preHandler: ctx.allow('gateway.manage'), config: { quietAudit: true } },
    () => {
      const { config, router } = ctx.services();
      const live = new Map(router.gateways.map((g) => [g.config.id, g.status()]));
      return {
        at: new Date(ctx.now()).toISOString(),
        gateways: config.gateways.map((g) => ({
          id: g.id,
          protocol: g.protocol,
          host: g.host,
          port: g.port,
          carriers: g.carriers,
          spNumber: g.spNumber,
          connections: g.connections,
          window: g.window,
          tps: g.tps,
          weight: g.weight,
          enabled: g.enabled,
          live: live.get(g.id) ?? null,
        })),
      };
    },
  );
};
