/**
 * The uplink inbox for `message.read`: what citizens texted, newest first, to which
 * business system (by extension code) or to the citizen service, and what the command engine made
 * of it. Numbers are masked; passwords in commands were masked before they were stored. The
 * call: contract/uplinks.ts.
 */
import { requestSchema, responseSchema } from '../contract/schema.js';
import { uplinksAnswer, uplinksQuery, type UplinksAnswer, type UplinksQuery } from '../contract/uplinks.js';
import { maskMobile } from '../../shared/log.js';
import { normalizeMobile } from '../../domain/phone.js';
import { maskSsnsInText } from '../../domain/ssn.js';
import { listApps } from '../../store/apps.js';
import { searchUplinks, type UplinkCursor } from '../../store/uplink-search.js';
import type { ConsoleRoutes } from '../context.js';
import { consoleError } from '../errors.js';
import { parseCursor, parseTime } from '../list-query.js';

function cursorOf(after: string | undefined): UplinkCursor | null {
  const cursor = parseCursor(after);
  return cursor && { receivedAt: cursor.at, id: cursor.id };
}

export const uplinksRoutes: ConsoleRoutes = (app, ctx) => {
  const db = ctx.deps.handle.db;

  app.get<{ Querystring: UplinksQuery }>(
    '/console/api/uplinks',
    {
      preHandler: ctx.allow('message.read'),
      // The inbox refreshes itself; the page view is in the access log.
      config: { quietAudit: true },
      schema: { querystring: requestSchema(uplinksQuery), response: responseSchema(uplinksAnswer) },
    },
    async (request): Promise<UplinksAnswer> => {
      const q = request.query;
      const apps = (await listApps(db)).filter((a) => a.id !== 0);
      let owner: number | 'citizen' | undefined;
      if (q.owner === 'citizen') owner = 'citizen';
      else if (q.owner !== undefined && q.owner !== '') {
        const found = apps.find((a) => a.name === q.owner);
        if (!found) throw consoleError('INVALID', `没有业务系统 ${q.owner}`, { field: 'owner' });
        owner = found.id;
      }
      let mobile: string | undefined;
      if (q.mobile !== undefined && q.mobile.trim() !== '') {
        const normal = normalizeMobile(q.mobile);
        if (normal === null) throw consoleError('INVALID', '手机号码格式错误', { field: 'mobile' });
        mobile = normal;
      }
      const { limit } = q;
      const rows = await searchUplinks(
        db,
        {
          mobile,
          owner,
          from: parseTime(q.from, 'from'),
          to: parseTime(q.to, 'to'),
          text: q.text === undefined || q.text === '' ? undefined : q.text,
        },
        cursorOf(q.after),
        limit,
      );
      const last = rows.at(-1);
      return {
        uplinks: rows.map((r) => ({
          id: String(r.id),
          mobile: maskMobile(r.mobile),
          ext: r.ext,
          destId: r.destId,
          gateway: r.gatewayId,
          owner: r.appId === null ? null : (r.appName ?? String(r.appId)),
          // Passwords were masked before storage; SSNs are masked for display.
          text: maskSsnsInText(r.text),
          receivedAt: new Date(r.receivedAt).toISOString(),
          status: r.status,
          handledAt: r.handledAt === null ? null : new Date(r.handledAt).toISOString(),
          command: r.command,
          outcome: r.outcome,
        })),
        next: last && rows.length === limit ? `${last.receivedAt}.${last.id}` : null,
        apps: apps.map((a) => a.name),
      };
    },
  );
};
