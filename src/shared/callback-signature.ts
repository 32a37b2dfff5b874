/**
 * The signature of push callbacks (docs/design.md §4.7, docs/callbacks.md): `X-Sms12333-Signature:
 * sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` beside `X-Sms12333-Timestamp` (seconds).
 * The platform signs what it pushes (pipeline/callbacks.ts); a province's ministry link checks what
 * the ministry pushes to it (protocols/ministry/push.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signCallback(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type CallbackCheck = 'ok' | 'stale' | 'bad-signature';

/**
 * Checks a received callback: the signature over the raw body bytes, compared in constant time, and
 * a timestamp within `maxSkewSeconds` of `nowMs` (an old signed request replayed later is refused).
 */
export function checkCallback(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: Buffer,
  nowMs: number,
  maxSkewSeconds: number,
): CallbackCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return 'bad-signature';
  const expected = Buffer.from(signCallback(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  return Math.abs(nowMs / 1000 - Number(timestamp)) > maxSkewSeconds ? 'stale' : 'ok';
}
