/**
 * Carrier gateways for `gateway.manage` (contract/gateways.ts): each link with the router's live
 * state, and changes while the platform runs — pause and resume, rate and window, switch on or off,
 * add and remove a link (pipeline/gateway-control.ts). Every change is audited. The page polls the
 * list every few seconds, so that read is quiet in the access log. Credentials (account, secret)
 * are never sent to the browser.
 */
import {
  gatewayAdd,
  gatewayChange,
  gatewaysAnswer,
  type GatewayAdd,
  type GatewayChange,
  type GatewaysAnswer,
} from '../contract/gateways.js';
import { idParams, okAnswer, requestSchema, responseSchema } from '../contract/schema.js';
import type { ControlResult } from '../../pipeline/gateway-control.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';

function check(result: ControlResult): void {
  switch (result.kind) {
    case 'ok':
      return;
    case 'unknown':
      throw consoleError('GATEWAY_NOT_FOUND');
    case 'exists':
      throw consoleError('GATEWAY_EXISTS');
    case 'configured':
      throw consoleError('GATEWAY_CONFIGURED');
    case 'invalid':
      throw consoleError('GATEWAY_INVALID', `网关设置不符合要求：${result.message}`, {
        problem: result.message,
      });
  }
}

/** The audit action of a change: what an auditor looks for. */
function actionOf(change: GatewayChange): string {
  if (change.paused === true) return 'gateway.pause';
  if (change.paused === false) return 'gateway.resume';
  if (change.enabled === true) return 'gateway.enable';
  if (change.enabled === false) return 'gateway.disable';
  return 'gateway.tune';
}

export const gatewaysRoutes: ConsoleRoutes = (app, ctx) => {
  const guard = ctx.allow('gateway.manage');

  app.get(
    '/console/api/gateways',
    { preHandler: guard, config: { quietAudit: true }, schema: { response: responseSchema(gatewaysAnswer) } },
    (): GatewaysAnswer => ({
      at: new Date(ctx.now()).toISOString(),
      gateways: ctx
        .services()
        .gateways.list()
        .map((g) => ({
          ...g,
          changedAt: g.changedAt === null ? null : new Date(g.changedAt).toISOString(),
          live: g.live && {
            state: g.live.state,
            bound: g.live.bound,
            inFlight: g.live.inFlight,
            queued: g.live.queued,
            window: g.live.window,
            tps: g.live.tps,
            counters: g.live.counters,
            lastError: g.live.lastError,
            warning: g.live.warning ?? null,
          },
        })),
    }),
  );

  app.put<{ Params: { id: string }; Body: GatewayChange }>(
    '/console/api/gateways/:id',
    {
      preHandler: guard,
      schema: {
        params: requestSchema(idParams),
        body: requestSchema(gatewayChange),
        response: responseSchema(okAnswer),
      },
    },
    async (request) => {
      const change = request.body;
      if (Object.keys(change).length === 0) throw consoleError('INVALID', '没有要修改的设置');
      const { id } = request.params;
      const result = await ctx.services().gateways.change(id, change, ctx.current(request).user.username);
      await ctx.audit(request, {
        kind: 'operation',
        action: actionOf(change),
        target: `gateway:${id}`,
        result: result.kind === 'ok' ? 'ok' : 'failed',
        detail: { ...change },
      });
      check(result);
      return { ok: true };
    },
  );

  app.post<{ Body: GatewayAdd }>(
    '/console/api/gateways',
    { preHandler: guard, schema: { body: requestSchema(gatewayAdd), response: responseSchema(okAnswer) } },
    async (request) => {
      const { secret: _secret, sgip: _sgip, ...shown } = request.body;
      const result = await ctx.services().gateways.add(request.body, ctx.current(request).user.username);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'gateway.add',
        target: `gateway:${request.body.id}`,
        result: result.kind === 'ok' ? 'ok' : 'failed',
        // The link as added, without its secrets.
        detail: { ...shown },
      });
      check(result);
      return { ok: true };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/console/api/gateways/:id',
    { preHandler: guard, schema: { params: requestSchema(idParams), response: responseSchema(okAnswer) } },
    async (request) => {
      const { id } = request.params;
      const result = await ctx.services().gateways.remove(id);
      await ctx.audit(request, {
        kind: 'operation',
        action: 'gateway.remove',
        target: `gateway:${id}`,
        result: result.kind === 'ok' ? 'ok' : 'failed',
      });
      check(result);
      return { ok: true };
    },
  );
};
