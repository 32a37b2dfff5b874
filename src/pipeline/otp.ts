/**
 * Verification codes (docs/design.md §4.3): a 6-digit code from crypto.randomInt, sent as an ordinary
 * message of category `otp` (through admission: charged to the app, its signature in front, TD not
 * honoured — §5) and checked later in constant time.
 *
 * Where the code is kept, and why:
 * - `otp_codes.code_hash` is HMAC-SHA256 of (row id, code) under a key derived from the platform's
 *   data key, which lives outside the database. A salted SHA-256 would not do: a 6-digit code
 *   falls to a million guesses, so only a key the database does not hold protects it.
 * - `batches.content` — read by reports, the console, backups, and returned for a replayed
 *   request — holds the text with the code masked (`******`, the same length, so counting and
 *   charging are unchanged).
 * - The carrier needs the real text, and another process (PostgreSQL) or this one after a crash
 *   may be the one to send it. So the real text is sealed (AES-256-GCM with the data key) in
 *   `otp_codes.text_enc`, opened only by the dispatcher through `reveal`, and cleared as soon as
 *   the code is verified, dead, superseded or expired. A code that is no longer live is never
 *   opened, so it is never delivered late: its message ends through the dispatcher's
 *   missing-batch path (retried, then FAILED and refunded).
 * - Logs carry the otp id, the masked number and the scene; never the code or the text.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { formatBeijing } from '../domain/beijing-time.js';
import { carrierOf } from '../domain/phone.js';
import { measureText } from '../domain/text/index.js';
import { maskMobile } from '../shared/log.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import type { AdmissionRecipient } from '../store/admission.js';
import type { AppRecord } from '../store/apps.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { IdAllocator } from '../store/ids.js';
import type { BatchText } from '../store/outbox.js';
import {
  forgetExpiredOtpTexts,
  issueOtp,
  sealedOtpTexts,
  verifyOtp,
  type IssueResult,
  type VerifyResult,
} from '../store/otp.js';
import type { Router } from './router.js';

export const OTP_DIGITS = 6;
const MASK = '*'.repeat(OTP_DIGITS);
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const SWEEP_EVERY_MS = 60_000;

export interface OtpSettings {
  /** `{code}` and `{minutes}` are filled in; the app's signature goes in front. */
  template: string;
  ttlSeconds: number;
  maxAttempts: number;
  cooldownSeconds: number;
  /** Codes one number may receive per Beijing-time day, across apps and scenes. */
  dailyCap: number;
  /** Most segments of one message (`sending.maxSegments`). */
  maxSegments: number;
}

/** What the service needs of the data key: sealing for the text, a MAC for the code. */
export interface OtpSecrets {
  seal(text: string): string;
  open(token: string): string;
  digest(otpId: number, code: string): Buffer;
}

/**
 * Secrets from the personal-data cipher. The MAC key is the cipher's lookup HMAC of a fixed label —
 * a PRF output, so a key of its own derived from the one master key. Changing `security.dataKey`
 * invalidates the codes in flight, which live minutes.
 */
export function otpSecretsFrom(
  cipher: Pick<PersonalDataCipher, 'encrypt' | 'decrypt' | 'lookupHash'>,
): OtpSecrets {
  const key = Buffer.from(cipher.lookupHash('SMS12333 OTP CODE HMAC KEY 1'), 'hex');
  return {
    seal: (text) => cipher.encrypt(text),
    open: (token) => cipher.decrypt(token),
    digest: (otpId, code) => createHmac('sha256', key).update(`${otpId}:${code}`, 'utf8').digest(),
  };
}

export function renderOtpText(template: string, code: string, minutes: number): string {
  return template.replaceAll('{code}', code).replaceAll('{minutes}', String(minutes));
}

/** The start of the next Beijing-time day, epoch ms. */
export function nextBeijingDay(now: number): number {
  return (Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - BEIJING_OFFSET_MS;
}

export type OtpSendOutcome = IssueResult | { kind: 'too-long'; segments: number; max: number };

export interface OtpDeps {
  handle: DatabaseHandle;
  ids: IdAllocator;
  router: Pick<Router, 'profilesFor' | 'homeOf'>;
  secrets: OtpSecrets;
  settings: OtpSettings;
  logger: Logger;
  now: () => number;
  /** A message was queued: wake the dispatcher. */
  onQueued: () => void;
}

export class OtpService {
  private lastSweep = 0;

  constructor(private readonly deps: OtpDeps) {}

  get settings(): OtpSettings {
    return this.deps.settings;
  }

  async send(app: AppRecord, mobile: string, scene: string): Promise<OtpSendOutcome> {
    const { settings, secrets, handle, ids } = this.deps;
    const now = this.deps.now();
    const code = String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
    const minutes = Math.max(1, Math.round(settings.ttlSeconds / 60));
    const content = renderOtpText(settings.template, code, minutes);
    const carrier = carrierOf(mobile) ?? 'mvno';
    const profiles = this.deps.router.profilesFor(carrier);
    // The masked text has the same length, so either counts the same; the real one is measured.
    const segments =
      profiles.length === 0
        ? null
        : Math.max(...profiles.map((p) => measureText(app.signature + content, p).segments));
    if (segments !== null && segments > settings.maxSegments)
      return { kind: 'too-long', segments, max: settings.maxSegments };
    const recipient: AdmissionRecipient = {
      mobile,
      carrier,
      segments,
      homeProvince: this.deps.router.homeOf(mobile),
    };

    const otpId = await ids.nextId();
    const result = await issueOtp(
      handle.db,
      handle.caps,
      ids,
      {
        otpId,
        appId: app.id,
        mobile,
        scene,
        codeHash: secrets.digest(otpId, code).toString('hex'),
        textEnc: secrets.seal(content),
        day: formatBeijing(now, 'yyyy-MM-dd'),
        dailyCap: settings.dailyCap,
        cooldownMs: settings.cooldownSeconds * 1000,
        ttlMs: settings.ttlSeconds * 1000,
        admission: {
          appId: app.id,
          clientMsgId: null,
          signature: app.signature,
          content: renderOtpText(settings.template, MASK, minutes),
          srcExt: app.extCode,
          islong: true,
          category: 'otp',
          sendAt: null,
          recipients: [recipient],
          // The carrier stops trying when the code stops being accepted.
          validityMs: settings.ttlSeconds * 1000,
        },
      },
      now,
    );
    const fields = { otpId, app: app.name, mobile: maskMobile(mobile), scene };
    if (result.kind === 'issued') {
      if (result.status === 'QUEUED') this.deps.onQueued();
      this.deps.logger.info(
        { ...fields, msgId: result.msgId, status: result.status },
        '验证码已受理 otp queued',
      );
    } else {
      this.deps.logger.info({ ...fields, refused: result.kind }, '验证码未发送 otp refused');
    }
    await this.sweep(now);
    return result;
  }

  async verify(app: AppRecord, mobile: string, scene: string, candidate: string): Promise<VerifyResult> {
    const { secrets, settings } = this.deps;
    const result = await verifyOtp(
      this.deps.handle.db,
      {
        appId: app.id,
        mobile,
        scene,
        maxAttempts: settings.maxAttempts,
        matches: ({ id, codeHash }) => {
          const expected = Buffer.from(codeHash, 'hex');
          const actual = secrets.digest(id, candidate);
          return expected.length === actual.length && timingSafeEqual(expected, actual);
        },
      },
      this.deps.now(),
    );
    this.deps.logger.info(
      {
        otpId: result.otpId,
        app: app.name,
        mobile: maskMobile(mobile),
        scene,
        valid: result.valid,
        ...(!result.valid && { reason: result.reason }),
      },
      '验证码校验 otp checked',
    );
    return result;
  }

  /**
   * For the dispatcher: verification-code batches get their real text back; one whose code is no
   * longer live (or cannot be opened) is left out, and the dispatcher treats it as missing.
   */
  readonly reveal = async (batches: BatchText[]): Promise<BatchText[]> => {
    const otp = batches.filter((b) => b.category === 'otp');
    if (otp.length === 0) return batches;
    const sealed = await sealedOtpTexts(
      this.deps.handle.db,
      otp.map((b) => b.id),
      this.deps.now(),
    );
    const out: BatchText[] = [];
    for (const b of batches) {
      if (b.category !== 'otp') {
        out.push(b);
        continue;
      }
      const token = sealed.get(b.id);
      if (token === undefined) continue;
      try {
        out.push({ ...b, content: this.deps.secrets.open(token) });
      } catch (err) {
        this.deps.logger.warn(
          { batchId: b.id, code: (err as { code?: string }).code },
          '验证码短信无法解密 otp text cannot be opened',
        );
      }
    }
    return out;
  };

  /** Sealed texts of codes that expired unused are dropped, at most once a minute. */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    try {
      await forgetExpiredOtpTexts(this.deps.handle.db, now);
    } catch (err) {
      this.deps.logger.warn({ err }, '过期验证码清理失败 otp sweep failed');
    }
  }
}
