/**
 * How a person appears in a citizen's SMS: masked identity (docs/design.md §5: `张*`, `2101**********123X`),
 * insurances abbreviated so a summary fits one message, money in yuan. Validation and masking rules
 * themselves live in the pure domain (src/domain/ssn.ts, service-password.ts).
 */
import { formatYuan } from '../backend/types.js';
import { checkServicePassword } from '../domain/service-password.js';
import { maskName as maskPersonName, maskSsn, validateSsn } from '../domain/ssn.js';

export const maskName = maskPersonName;

/** Masks whatever the citizen typed, valid or not, so a reply never echoes a whole number. */
export function maskSsnText(ssn: string): string {
  return maskSsn(ssn.trim().toUpperCase());
}

export type SsnCheck = { ok: true; ssn: string } | { ok: false; reason: string };

const SSN_REASONS: Record<string, string> = {
  length: '位数不对',
  characters: '含有无效字符',
  region: '地区码无效',
  date: '出生日期无效',
  check: '校验位不符',
};

/** A valid number in its canonical 18-character form, or why not in a few Chinese words. */
export function validSsn(raw: string, now: number): SsnCheck {
  const result = validateSsn(raw, new Date(now));
  if (result.ok) return { ok: true, ssn: result.ssn };
  return { ok: false, reason: SSN_REASONS[result.reason] ?? '格式不对' };
}

/** The canonical form when valid, else the text as typed (upper-cased), for comparisons. */
export function canonicalOrSelf(raw: string, now: number): string {
  const checked = validSsn(raw, now);
  return checked.ok ? checked.ssn : raw.trim().toUpperCase();
}

/** Why a new service password is refused, in a few Chinese words, or null. */
export function checkNewPassword(password: string, ssn: string, mobile: string): string | null {
  const verdict = checkServicePassword(password, { ssn, mobile });
  return verdict.ok ? null : verdict.message;
}

const TYPE_SHORT: readonly [RegExp, string][] = [
  [/城乡居民.*养老/, '居民养老'],
  [/机关事业.*养老/, '机关养老'],
  [/养老/, '养老'],
  [/城乡居民.*医疗/, '居民医疗'],
  [/医疗/, '医疗'],
  [/失业/, '失业'],
  [/工伤/, '工伤'],
  [/生育/, '生育'],
];

function shortType(type: string): string {
  for (const [pattern, short] of TYPE_SHORT) if (pattern.test(type)) return short;
  return type.replace(/基本|保险/g, '') || type;
}

/** `正常参保` → `正常`, `暂停缴费` → `暂停`: the state without the noun every state repeats. */
function shortStatus(status: string): string {
  return status.replace(/参保|缴费|状态/g, '') || status;
}

/** `养老正常,医疗正常,失业暂停`: every insurance in a few characters (replies.ts budgets for five). */
export function abbreviateInsurances(insurances: readonly { type: string; status: string }[]): string {
  return insurances.map((i) => `${shortType(i.type)}${shortStatus(i.status)}`).join(',');
}

export const formatYuanText = formatYuan;
