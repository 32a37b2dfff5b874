/** How the dashboard and the message search name and colour a message's status and carrier. */
import { Tag } from 'antd';
import type { Lang } from '../i18n.js';

export const STATUS_META: Record<string, { zh: string; en: string; color: string; hex: string }> = {
  HELD: { zh: '待审核', en: 'Held for review', color: 'purple', hex: '#722ed1' },
  QUEUED: { zh: '排队中', en: 'Queued', color: 'default', hex: '#bfbfbf' },
  SENDING: { zh: '发送中', en: 'Sending', color: 'processing', hex: '#1677ff' },
  SUBMITTED: { zh: '待回执', en: 'Awaiting report', color: 'cyan', hex: '#13c2c2' },
  DELIVERED: { zh: '已送达', en: 'Delivered', color: 'success', hex: '#52c41a' },
  FAILED: { zh: '失败', en: 'Failed', color: 'error', hex: '#ff4d4f' },
  EXPIRED: { zh: '已过期', en: 'Expired', color: 'warning', hex: '#fa8c16' },
  REJECTED: { zh: '被拒绝', en: 'Rejected', color: 'magenta', hex: '#eb2f96' },
  BLOCKED: { zh: '已拦截', en: 'Blocked', color: 'volcano', hex: '#d4380d' },
  UNKNOWN: { zh: '状态未知', en: 'Unknown', color: 'gold', hex: '#faad14' },
};

export const CARRIER_NAMES: Record<string, { zh: string; en: string }> = {
  cmcc: { zh: '中国移动', en: 'China Mobile' },
  cucc: { zh: '中国联通', en: 'China Unicom' },
  ctcc: { zh: '中国电信', en: 'China Telecom' },
  cbn: { zh: '中国广电', en: 'China Broadnet' },
  mvno: { zh: '虚拟运营商', en: 'MVNO' },
};

export function StatusTag({ status, lang }: { status: string; lang: Lang }) {
  const meta = STATUS_META[status];
  return <Tag color={meta?.color ?? 'default'}>{meta ? meta[lang] : status}</Tag>;
}
