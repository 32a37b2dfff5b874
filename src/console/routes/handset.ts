/**
 * The demo's handset page (docs/design.md §4.5): any logged-in user plays a citizen — texts the
 * platform through a carrier simulator's control port and reads that phone's inbox. Registered only
 * when the platform runs in-process simulators (`services.handsets`, demo and tests). The console
 * is no proxy: it calls only the configured control URLs, only `POST /sim/mo` and
 * `GET /sim/inbox`, with a checked mobile number and text; the link is picked by its index.
 * Requests and answers: contract/handset.ts.
 */
import {
  handsetInbox,
  handsetInboxQuery,
  handsetLinks,
  handsetMo,
  handsetMoAnswer,
  type HandsetInbox,
  type HandsetLinks,
  type HandsetMo,
} from '../contract/handset.js';
import { requestSchema, responseSchema } from '../contract/schema.js';
import { carrierOf, normalizeMobile } from '../../domain/phone.js';
import { maskMobile } from '../../shared/log.js';
import type { InboxEntry } from '../../protocols/simulator/index.js';
import type { ConsoleRoutes, DemoHandsetLink } from '../context.js';
import { consoleError } from '../errors.js';

const CONTROL_TIMEOUT_MS = 5000;

interface Link extends DemoHandsetLink {
  id: number;
  /** The platform's number on this link (the gateway's spNumber): where a citizen texts 12333. */
  serviceNumber: string;
  /** Which numbers the link's gateway carries (cmcc, cucc, …). */
  carriers: string[];
}

export const handsetRoutes: ConsoleRoutes = (app, ctx) => {
  const services = ctx.deps.services;
  if (!services || services.handsets.length === 0) return;
  const gateways = services.config.gateways;
  const links: Link[] = services.handsets.map((h, id) => {
    const gateway =
      gateways.find((g) => g.id === h.carrier || g.id === h.name) ??
      gateways.find((g) => (g.carriers as readonly string[]).includes(h.carrier));
    return {
      ...h,
      id,
      serviceNumber: gateway?.spNumber ?? '12333',
      carriers: gateway ? [...gateway.carriers] : [h.carrier],
    };
  });

  const linkOf = (id: number): Link => {
    const link = links[id];
    if (!link) throw consoleError('HANDSET_LINK_UNKNOWN');
    return link;
  };
  const mobileOf = (raw: string): string => {
    const mobile = normalizeMobile(raw);
    if (mobile === null)
      throw consoleError('INVALID', '请输入 11 位手机号码', {
        field: 'mobile',
        messageEn: 'an 11-digit mobile number',
      });
    return mobile;
  };
  /** One of the two calls to one of the configured simulators; its failures become HANDSET_UNREACHABLE. */
  const control = async (
    link: Link,
    path: '/sim/mo' | '/sim/inbox',
    init: RequestInit,
    query: Record<string, string> = {},
  ): Promise<unknown> => {
    const url = new URL(path, link.controlUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS) });
    } catch (err) {
      ctx.deps.logger?.warn({ err, link: link.name }, '模拟器无法连接 simulator unreachable');
      throw consoleError('HANDSET_UNREACHABLE');
    }
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    if (!res.ok)
      throw consoleError('HANDSET_UNREACHABLE', `模拟器拒绝：${body?.error ?? String(res.status)}`);
    return body;
  };

  app.get(
    '/console/api/handset/links',
    { preHandler: ctx.loggedIn, schema: { response: responseSchema(handsetLinks) } },
    (): HandsetLinks => ({
      links: links.map((l) => ({
        id: l.id,
        name: l.name,
        carrier: l.carrier,
        carriers: l.carriers,
        serviceNumber: l.serviceNumber,
      })),
    }),
  );

  app.post<{ Body: HandsetMo }>(
    '/console/api/handset/mo',
    {
      preHandler: ctx.loggedIn,
      schema: { body: requestSchema(handsetMo), response: responseSchema(handsetMoAnswer) },
    },
    async (request) => {
      const link = linkOf(request.body.link);
      const mobile = mobileOf(request.body.mobile);
      const text = request.body.text.trim();
      if (text === '') throw consoleError('INVALID', '短信内容不能为空', { field: 'text' });
      await control(link, '/sim/mo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: mobile, to: link.serviceNumber, text }),
      });
      await ctx.audit(request, {
        kind: 'operation',
        action: 'handset.mo',
        target: `handset:${link.name}`,
        result: 'ok',
        // The text may carry a service password (BD#…#password): only its length is kept.
        detail: { mobile: maskMobile(mobile), to: link.serviceNumber, length: text.length },
      });
      return { sent: true as const, to: link.serviceNumber, carrier: carrierOf(mobile) };
    },
  );

  app.get<{ Querystring: { link: number; mobile: string } }>(
    '/console/api/handset/inbox',
    {
      preHandler: ctx.loggedIn,
      // The page polls the phone every second.
      config: { quietAudit: true },
      schema: { querystring: requestSchema(handsetInboxQuery), response: responseSchema(handsetInbox) },
    },
    async (request): Promise<HandsetInbox> => {
      const link = linkOf(request.query.link);
      const mobile = mobileOf(request.query.mobile);
      const body = (await control(link, '/sim/inbox', { method: 'GET' }, { mobile })) as {
        messages?: InboxEntry[];
      } | null;
      return {
        mobile,
        messages: (body?.messages ?? []).map((m) => ({
          from: m.from,
          text: m.text,
          segments: m.segments,
          receivedAt: m.receivedAt,
        })),
      };
    },
  );
};
