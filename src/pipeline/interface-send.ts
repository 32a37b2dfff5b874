/**
 * One `POST /api/sms/send` request after its account is known (docs/design.md §4.2, Appendix A):
 * the format checks (code 2), `islong` (7), length (9), then admission decides sensitive words (13),
 * balance (3) or OK (1). The HTTP interface answers with it; the SFTP batch interface runs each row
 * of a file through it (docs/sftp.md), so a row and a request obey the same rules and codes.
 */
import type { Kysely } from 'kysely';
import { carrierOf } from '../domain/phone.js';
import { fail, result } from '../domain/result-codes.js';
import {
  fillTemplate,
  parseCategory,
  parseClientMsgId,
  parseExtCode,
  parseIslong,
  parseMobiles,
  parseParams,
  parseSendTime,
  stripOwnSignature,
  text,
  type Body,
} from '../domain/send-request.js';
import { measureText } from '../domain/text/index.js';
import type { AdmissionRecipient } from '../store/admission.js';
import type { AppRecord } from '../store/apps.js';
import type { Database } from '../store/schema.js';
import { findTemplate } from '../store/templates.js';
import type { Admission } from './admission.js';
import { isoBeijing } from './feed-items.js';
import type { Router } from './router.js';

export interface InterfaceSendDeps {
  db: Kysely<Database>;
  admission: Admission;
  router: Router;
  settings: {
    maxMobiles: number;
    maxSegments: number;
    maxScheduleDays: number;
    /** Digits the longest gateway sender number leaves for extension codes (Src_Id is 21). */
    extRoom: number;
  };
}

/**
 * The answer body; a failed check throws its ResultError. `fallbackClientMsgId` is the idempotency
 * key when the body has none (an SFTP row's file and line: a restart replays, never resends).
 */
export async function interfaceSend(
  deps: InterfaceSendDeps,
  appRecord: AppRecord,
  body: Body,
  t: number,
  fallbackClientMsgId: string | null = null,
): Promise<Record<string, unknown>> {
  // Code 2: every format check, in field order.
  const mobiles = parseMobiles(body, deps.settings.maxMobiles);
  const extCode = parseExtCode(text(body, 'extCode'), deps.settings.extRoom - appRecord.extCode.length);
  const sendAt = parseSendTime(text(body, 'sendTime'), t, deps.settings.maxScheduleDays);
  const category = parseCategory(text(body, 'category'));
  const clientMsgId = parseClientMsgId(text(body, 'clientMsgId')) ?? fallbackClientMsgId;
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
}
