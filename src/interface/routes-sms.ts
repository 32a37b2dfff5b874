/**
 * The business systems' interface (docs/design.md §4.2, Appendix A). Checks run in the order the codes
 * are tabled; the first failing one answers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { carrierOf } from '../domain/phone.js';
import { measureText } from '../domain/text/index.js';
import type { Admission } from '../pipeline/admission.js';
import { isoBeijing, replyItem, reportItem } from '../pipeline/feed-items.js';
import type { Router } from '../pipeline/router.js';
import type { AdmissionRecipient } from '../store/admission.js';
import type { AppRecord } from '../store/apps.js';
import { getBalance } from '../store/apps.js';
import { pullReplies, pullReports } from '../store/feeds.js';
import type { Database } from '../store/schema.js';
import { findTemplate } from '../store/templates.js';
import { authenticateApp } from './authenticate.js';
import { fail, result, ResultError } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import {
  asBody,
  fillTemplate,
  hasMobiles,
  parseCategory,
  parseClientMsgId,
  parseExtCode,
  parseIslong,
  parseMobiles,
  parseParams,
  parseSendTime,
  required,
  stripOwnSignature,
  text,
  type Body,
} from '../domain/send-request.js';

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
    const appRecord = await authenticate(request, body, () => {
      if (!hasMobiles(body)) fail('MISSING', '缺少 mobiles', 'mobiles');
      if (text(body, 'templateId') === undefined) required(body, 'content');
    });
    const t = now();

    // Code 2: every format check, in field order.
    const mobiles = parseMobiles(body, deps.settings.maxMobiles);
    const extCode = parseExtCode(text(body, 'extCode'), deps.settings.extRoom - appRecord.extCode.length);
    const sendAt = parseSendTime(text(body, 'sendTime'), t, deps.settings.maxScheduleDays);
    const category = parseCategory(text(body, 'category'));
    const clientMsgId = parseClientMsgId(text(body, 'clientMsgId'));
    let content = text(body, 'content') ?? '';
    const templateId = text(body, 'templateId');
    if (templateId !== undefined) {
      const params = parseParams(body);
      const template = /^\d{1,15}$/.test(templateId) ? await findTemplate(deps.db, Number(templateId)) : null;
      if (template?.status !== 'approved' || (template.appId !== null && template.appId !== appRecord.id))
        fail('FORMAT', `templateId ${templateId} 不存在或未审核通过`, 'templateId');
      content = fillTemplate(template.content, params);
    }
    // A province platform's account (a province, no signature of its own) relays texts that carry
    // the province's own signatures (docs/federation.md).
    const relays = appRecord.province !== null && appRecord.signature === '';
    if (!relays) content = stripOwnSignature(content, appRecord.signature);
    if (content.trim() === '') fail('MISSING', '缺少 content', 'content');

    // Code 7, then code 9 by each number's route.
    const islong = parseIslong(body);
    const fullText = appRecord.signature + content;
    const segmentsByCarrier = new Map<string, number | null>();
    const recipients: AdmissionRecipient[] = mobiles.map((mobile) => {
      const carrier = carrierOf(mobile) ?? 'mvno';
      let segments = segmentsByCarrier.get(carrier);
      if (segments === undefined) {
        const profiles = deps.router.profilesFor(carrier);
        if (profiles.length === 0) segments = null;
        else {
          // The route that needs the most segments decides (any of them may carry it).
          const m = profiles
            .map((p) => measureText(fullText, p))
            .reduce((a, b) => (b.segments > a.segments ? b : a));
          if (!islong && !m.fitsSingle)
            fail(
              'TOO_LONG',
              `签名加内容共 ${m.units} 个计费单位，单条短信最多 ${m.coding === 'ucs2' ? 70 : 160} 个（可设置 islong=1 发送长短信）`,
            );
          if (m.segments > deps.settings.maxSegments)
            fail('TOO_LONG', `长短信需 ${m.segments} 条，最多 ${deps.settings.maxSegments} 条`);
          segments = m.segments;
        }
        segmentsByCarrier.set(carrier, segments);
      }
      return { mobile, carrier, segments, homeProvince: deps.router.homeOf(mobile) };
    });

    // Code 13 (sensitive words), then 3 or 1, decided inside the admission transaction.
    const admitted = await deps.admission.admit({
      appId: appRecord.id,
      clientMsgId,
      signature: appRecord.signature,
      content,
      srcExt: appRecord.extCode + extCode,
      islong,
      category,
      sendAt,
      recipients,
    });
    if (admitted.kind === 'refused')
      return result('SENSITIVE_WORDS', admitted.words.join('、'), { words: admitted.words });
    if (admitted.kind === 'insufficient')
      return result('BALANCE', `需要 ${admitted.needed} 条，余额 ${admitted.balance} 条`, {
        balance: admitted.balance,
        needed: admitted.needed,
      });
    // notBefore: when the queued messages go (sendTime, or the end of quiet hours), Beijing time.
    const { notBefore, ...answer } = admitted.answer;
    return {
      ...result('OK'),
      ...answer,
      ...(notBefore !== undefined && { notBefore: isoBeijing(notBefore) }),
      msg: 'OK',
      replayed: admitted.kind === 'replayed',
    };
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
      replies: feed.items.map((r) => replyItem(r, appRecord.extCode, deps.openText)),
      nextCursor: String(feed.nextCursor),
    };
  });
}

export { ResultError };
