/**
 * How near a client certificate is to its end (README "证书与白名单"): the console warns
 * `CERT_WARN_DAYS` days ahead, so the business system can get a new one registered in time.
 */
export const CERT_WARN_DAYS = 30;

const DAY_MS = 86_400_000;

export type CertificateState = 'valid' | 'expiring' | 'expired';

export function certificateExpiry(
  notAfter: number,
  now: number,
  warnDays = CERT_WARN_DAYS,
): { state: CertificateState; daysLeft: number } {
  const daysLeft = Math.floor((notAfter - now) / DAY_MS);
  const state = notAfter <= now ? 'expired' : notAfter - now <= warnDays * DAY_MS ? 'expiring' : 'valid';
  return { state, daysLeft };
}
