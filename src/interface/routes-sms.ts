/**
 * The business systems' interface (docs/design.md §4.2, Appendix A). Checks run in the order the codes
 * are tabled; the first failing one answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Admission } from '../pipeline/admission.js';
import { replyItem, reportItem } from '../pipeline/feed-items.js';
import { interfaceSend } from '../pipeline/interface-send.js';
import type { Router } from '../pipeline/router.js';
import type { AppRecord } from '../store/apps.js';
import { getBalance } from '../store/apps.js';
import { pullReplies, pullReports } from '../store/feeds.js';
import type { Database } from '../store/schema.js';
import { authenticateApp } from './authenticate.js';
import { fail, result, ResultError } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import { asBody, requireSendFields, text, type Body } from '../domain/send-request.js';

export interface SmsRouteDeps {
  db: Kysely<Database>;
  credentials: Credentials;
  admission: Admission;
  router: Router;
  logger: Logger;
  settings: {
    maxMobiles: number;
    maxSegments: number;
    maxScheduleDays: number;
    /** Digits the longest gateway sender number leaves for extension codes (Src_Id is 21). */
    extRoom: number;
  };
  /** Opens the sealed whole text of an uplink stored masked (store/uplinks.ts). */
  openText?: ((token: string) => string) | undefined;
  now?: () => number;
}

const FEED_PAGE = 500;

export function registerSmsRoutes(app: FastifyInstance, deps: SmsRouteDeps): void {
  const now = deps.now ?? Date.now;

  /** Codes -1 (credentials), 6, 5, 8 — shared by every call. */
  const authenticate = (request: FastifyRequest, body: Body, more?: () => void): Promise<AppRecord> =>
    authenticateApp(deps.credentials, request, body, more);

  app.post('/api/sms/send', async (request) => {
    const body = asBody(request.body);
    const appRecord = await authenticate(request, body, () => requireSendFields(body));
    return interfaceSend(deps, appRecord, body, now());
  });

  app.post('/api/sms/balance', async (request) => {
    const appRecord = await authenticate(request, asBody(request.body));
    return { ...result('OK'), balance: await getBalance(deps.db, appRecord.id) };
  });

  const cursorOf = (body: Body): number => {
    const c = text(body, 'cursor');
    if (c === undefined) return 0;
    if (!/^\d{1,15}$/.test(c)) return fail('FORMAT', 'cursor 应为上次返回的 nextCursor', 'cursor');
    return Number(c);
  };

  app.post('/api/sms/reports', async (request) => {
    const body = asBody(request.body);
    const appRecord = await authenticate(request, body);
    const feed = await pullReports(deps.db, appRecord.id, cursorOf(body), FEED_PAGE);
    return {
      ...result('OK'),
      reports: feed.items.map(reportItem),
      nextCursor: String(feed.nextCursor),
    };
  });

  app.post('/api/sms/replies', async (request) => {
    const body = asBody(request.body);
    const appRecord = await authenticate(request, body);
    const feed = await pullReplies(deps.db, appRecord.id, cursorOf(body), FEED_PAGE);
    return {
      ...result('OK'),
      replies: feed.items.map((r) => ({
        ...replyItem(r, deps.openText),
        // What follows the account's own extension: the extCode it sent with (a province platform
        // routes the reply on by it, docs/federation.md).
        subExtCode: r.extCode.startsWith(appRecord.extCode)
          ? r.extCode.slice(appRecord.extCode.length)
          : r.extCode,
      })),
      nextCursor: String(feed.nextCursor),
    };
  });
}

export { ResultError };
