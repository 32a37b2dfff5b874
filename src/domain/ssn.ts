/**
 * Social security numbers (社会保障号码, LD/T 6007 §3.6, docs/design.md §5). A citizen's SSN is the
 * citizen identity number of GB 11643: 6-digit region code, birth date YYYYMMDD, 3-digit sequence
 * (odd for men, even for women) and an ISO 7064 MOD 11-2 check character (`X` standing for 10).
 * The same 18-character form is used by
 * - residence permits of Hong Kong and Macao residents (region 810000 / 820000) and of Taiwan
 *   residents (830000);
 * - foreigners' permanent residence ID cards issued since 1 December 2023 (National Immigration
 *   Administration, 新版外国人永久居留身份证): `9`, the 2-digit province code of the place of
 *   application, the 3-digit ISO 3166-1 numeric nationality code, birth date, sequence, and the
 *   same MOD 11-2 check character.
 * The 15-digit numbers of GB 11643-1989 (region, YYMMDD of a 1900s birth, sequence, no check
 * character) are upgraded to 18.
 *
 * Not accepted: the 15-character 2017 permanent residence card (3 letters + 12 digits) and
 * passport-based numbers — they are not 18-character SSNs, and the ministry's coding for them
 * is not part of the standard. Not checked: that the region code below province level or the
 * nationality code is actually assigned (that needs the GB/T 2260 and ISO 3166 tables; the check
 * character already catches typing mistakes).
 *
 * Pure: the date birth dates are compared against is passed in.
 */
import { toBeijing } from './beijing-time.js';

export type SsnKind = 'resident' | 'legacy15' | 'hkmo' | 'taiwan' | 'foreigner';
export type SsnProblem = 'length' | 'characters' | 'region' | 'date' | 'check';

export type SsnResult =
  | {
      ok: true;
      /** Canonical: 18 characters, `X` upper-case. */
      ssn: string;
      kind: SsnKind;
      /** `YYYY-MM-DD`. */
      birthDate: string;
      sex: 'M' | 'F';
    }
  | { ok: false; reason: SsnProblem };

/** ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for positions 0..16, and the character for each remainder. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/**
 * Province-level codes of GB/T 2260 (mainland). 71 is Taiwan in GB/T 2260; it never appears in
 * an issued resident number but is a valid code, so it is not refused.
 */
const MAINLAND_PROVINCES: ReadonlySet<string> = new Set(
  '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65'.split(' '),
);
/** Residence permits: the whole 6-digit region code is fixed. */
const PERMIT_REGIONS: Readonly<Record<string, SsnKind>> = {
  '810000': 'hkmo',
  '820000': 'hkmo',
  '830000': 'taiwan',
};

/** The check character of the first 17 digits. */
export function ssnCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? '?';
}

/** The 18-character form of a 15-digit number: `19` before the 2-digit year, check character appended. */
export function upgradeLegacySsn(fifteen: string): string {
  const first17 = `${fifteen.slice(0, 6)}19${fifteen.slice(6, 15)}`;
  return first17 + ssnCheckCharacter(first17);
}

/** A real calendar date from 1900 on, not after `latest` (a YYYYMMDD number); null if not. */
function birthDateOf(yyyymmdd: string, latest: number): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  if (Number(yyyymmdd) > latest) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** Which kind an 18-character number is by its region part, or null when that part is impossible. */
function kindOf(ssn: string): SsnKind | null {
  if (ssn.startsWith('9')) {
    // 9, province of application, nationality (ISO 3166-1 numeric: 004..894, never 000).
    return MAINLAND_PROVINCES.has(ssn.slice(1, 3)) && ssn.slice(3, 6) !== '000' ? 'foreigner' : null;
  }
  const permit = PERMIT_REGIONS[ssn.slice(0, 6)];
  if (permit) return permit;
  const province = ssn.slice(0, 2);
  return MAINLAND_PROVINCES.has(province) || province === '71' ? 'resident' : null;
}

function check(typed: string, latest: number): SsnResult {
  if (typed.length !== 18 && typed.length !== 15) return { ok: false, reason: 'length' };
  const legacy = typed.length === 15;
  if (!(legacy ? /^\d{15}$/ : /^\d{17}[\dX]$/).test(typed)) return { ok: false, reason: 'characters' };
  // A 15-digit number was issued to mainland residents only (1984–1999): no permits, no foreigners.
  if (legacy && !MAINLAND_PROVINCES.has(typed.slice(0, 2))) return { ok: false, reason: 'region' };
  const ssn = legacy ? upgradeLegacySsn(typed) : typed;
  const kind = legacy ? 'legacy15' : kindOf(ssn);
  if (kind === null) return { ok: false, reason: 'region' };
  const birthDate = birthDateOf(ssn.slice(6, 14), latest);
  if (birthDate === null) return { ok: false, reason: 'date' };
  if (ssnCheckCharacter(ssn) !== ssn[17]) return { ok: false, reason: 'check' };
  return { ok: true, ssn, kind, birthDate, sex: Number(ssn[16]) % 2 === 1 ? 'M' : 'F' };
}

/**
 * Checks a number as typed (surrounding spaces trimmed, `x` in either case) and returns its
 * canonical 18-character form. Problems are reported in this order: length, characters, region,
 * date, check character. A birth date after `today` — taken as a Beijing calendar day, the
 * calendar the number was issued in — is refused.
 */
export function validateSsn(raw: string, today: Date): SsnResult {
  const t = toBeijing(today.getTime());
  return check(raw.trim().toUpperCase(), t.year * 10000 + t.month * 100 + t.day);
}

/**
 * Whether the text has the shape of an SSN — 15 digits, or 17 digits and a digit or `X` — valid
 * or not: enough to tell an SSN from a service password, which is never that long.
 */
export function isSsnShaped(text: string): boolean {
  return /^(?:\d{15}|\d{17}[\dXx])$/.test(text);
}

/** `2101**********123X`: the first four and the last four characters, the rest starred. */
export function maskSsn(ssn: string): string {
  const chars = Array.from(ssn.trim().toUpperCase());
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 4).join('')}${'*'.repeat(chars.length - 8)}${chars.slice(-4).join('')}`;
}

/** Every SSN-shaped run in a free text (a citizen's message as shown to staff), masked. */
export function maskSsnsInText(text: string): string {
  return text.replace(/(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/g, maskSsn);
}

/**
 * A name as shown in a reply: `张*` for two characters, `张*丰` for three, first and last kept
 * with the middle starred beyond that (`买买提·艾力` becomes `买****力`); a name written in Latin
 * letters keeps its first letter (`J*********`). A one-character name is all star: showing it
 * would show the whole name.
 */
export function maskName(name: string): string {
  // Code points, not UTF-16 units: rare characters in names (CJK Extension B, 𠇔) are surrogate pairs.
  const chars = Array.from(name.trim());
  const first = chars[0];
  if (first === undefined) return '';
  if (chars.length === 1) return '*';
  if (/^[A-Za-z]$/.test(first)) return first + '*'.repeat(chars.length - 1);
  if (chars.length === 2) return `${first}*`;
  return `${first}${'*'.repeat(chars.length - 2)}${chars.at(-1) ?? ''}`;
}
