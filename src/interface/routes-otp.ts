/**
 * Verification codes on the interface (docs/design.md §4.3): `POST /api/sms/otp/send` and
 * `POST /api/sms/otp/verify`. Authentication, whitelist, lock and codes are those of
 * /api/sms/send; the cool-down and the daily cap answer code 12 with `retryAfter` seconds. Neither
 * answer ever carries the code.
 */
import type { FastifyInstance } from 'fastify';
import { normalizeMobile } from '../domain/phone.js';
import { nextBeijingDay, type OtpService } from '../pipeline/otp.js';
import { authenticateApp } from './authenticate.js';
import { fail, result } from '../domain/result-codes.js';
import type { Credentials } from './credentials.js';
import { asBody, required, type Body } from '../domain/send-request.js';

export interface OtpRouteDeps {
  credentials: Credentials;
  otp: OtpService;
  now?: () => number;
}

const SCENE = /^[\p{L}\p{N}_.:-]{1,32}$/u;

function parseMobile(body: Body): string {
  const raw = required(body, 'mobile');
  const mobile = normalizeMobile(raw.trim());
  if (mobile === null) return fail('FORMAT', `mobile 不是有效的手机号码：${raw.slice(0, 20)}`, 'mobile');
  return mobile;
}

function parseScene(body: Body): string {
  const scene = required(body, 'scene').trim();
  if (!SCENE.test(scene)) return fail('FORMAT', 'scene 应为 1–32 个字母、数字或 _ . : -', 'scene');
  return scene;
}

function parseOtp(body: Body): string {
  const otp = required(body, 'otp').trim();
  if (!/^\d{1,16}$/.test(otp)) return fail('FORMAT', 'otp 只能是数字', 'otp');
  return otp;
}

export function registerOtpRoutes(app: FastifyInstance, deps: OtpRouteDeps): void {
  const now = deps.now ?? Date.now;

  app.post('/api/sms/otp/send', async (request) => {
    const body = asBody(request.body);
    const appRecord = await authenticateApp(deps.credentials, request, body, () => {
      required(body, 'mobile');
      required(body, 'scene');
    });
    const mobile = parseMobile(body);
    const scene = parseScene(body);
    const settings = deps.otp.settings;
    const outcome = await deps.otp.send(appRecord, mobile, scene);
    switch (outcome.kind) {
      case 'issued':
        return {
          ...result('OK'),
          otpId: String(outcome.otpId),
          msgId: String(outcome.msgId),
          status: outcome.status,
          charged: outcome.charged,
          expiresIn: settings.ttlSeconds,
        };
      case 'cooldown': {
        const retryAfter = Math.ceil(outcome.retryAfterMs / 1000);
        return result(
          'RATE_LIMIT',
          `同一号码同一场景 ${settings.cooldownSeconds} 秒内只能发送一次验证码，请 ${retryAfter} 秒后再试`,
          { retryAfter },
        );
      }
      case 'daily-cap': {
        const t = now();
        return result('RATE_LIMIT', `该号码今日已收到 ${outcome.sent} 条验证码，已达每日上限`, {
          retryAfter: Math.ceil((nextBeijingDay(t) - t) / 1000),
        });
      }
      case 'insufficient':
        return result('BALANCE', `需要 ${outcome.needed} 条，余额 ${outcome.balance} 条`, {
          balance: outcome.balance,
          needed: outcome.needed,
        });
      case 'too-long':
        return result('TOO_LONG', `验证码短信需 ${outcome.segments} 条，最多 ${outcome.max} 条`);
    }
  });

  app.post('/api/sms/otp/verify', async (request) => {
    const body = asBody(request.body);
    const appRecord = await authenticateApp(deps.credentials, request, body, () => {
      required(body, 'mobile');
      required(body, 'scene');
      required(body, 'otp');
    });
    const mobile = parseMobile(body);
    const scene = parseScene(body);
    const otp = parseOtp(body);
    const checked = await deps.otp.verify(appRecord, mobile, scene, otp);
    if (checked.valid) return { ...result('OK'), valid: true, otpId: String(checked.otpId) };
    return {
      ...result('OK'),
      valid: false,
      reason: checked.reason,
      ...(checked.otpId !== null && { otpId: String(checked.otpId) }),
      ...(checked.attemptsLeft !== undefined && { attemptsLeft: checked.attemptsLeft }),
    };
  });
}
