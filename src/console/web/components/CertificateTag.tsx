/**
 * A client certificate's expiry as the console shows it (README "证书与白名单"): green while valid,
 * orange within the warning days, red once ended; the subject and end date on hover.
 */
import { Tag, Tooltip } from 'antd';
import type { CertificateView } from '../../contract/integration.js';
import { certificateExpiry } from '../../../domain/certificate-expiry.js';
import { beijingTime, defineTexts, fill, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: { valid: '有效至 {date}', expiring: '{days} 天后到期', expired: '已过期', none: '未登记' },
  en: { valid: 'valid until {date}', expiring: 'ends in {days} days', expired: 'expired', none: 'none' },
});

const COLORS: Record<CertificateView['state'], string> = {
  valid: 'success',
  expiring: 'warning',
  expired: 'error',
};

/** From the server's view, or from an account's raw `certNotAfter` (ms) on the Apps page. */
export function CertificateTag({
  cert,
  testId,
}: {
  cert: CertificateView | { subject: string | null; notAfter: number } | null;
  testId?: string;
}) {
  const t = useTexts(TEXTS);
  if (cert === null) return <span data-testid={testId}>—</span>;
  const notAfter = typeof cert.notAfter === 'number' ? cert.notAfter : Date.parse(cert.notAfter);
  const { state, daysLeft } = 'state' in cert ? cert : certificateExpiry(notAfter, Date.now());
  const date = beijingTime(notAfter).slice(0, 10);
  const text =
    state === 'valid'
      ? fill(t.valid, { date })
      : state === 'expiring'
        ? fill(t.expiring, { days: Math.max(daysLeft, 0) })
        : t.expired;
  return (
    <Tooltip title={`${cert.subject ?? ''} · ${beijingTime(notAfter)}`}>
      <Tag color={COLORS[state]} data-testid={testId}>
        {text}
      </Tag>
    </Tooltip>
  );
}
