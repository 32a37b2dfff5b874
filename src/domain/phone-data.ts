/**
 * Segment data (号段): which province, city and carrier a mobile number's prefix belongs to — the
 * home province that federation routes by (standard §5.2, docs/federation.md "Segment data").
 * Two layouts are read, both pure parsers that answer a typed error naming the line or byte offset:
 *
 * - CSV `prefix,province,city,carrier` (UTF-8, optional header, `#` comment lines; `# date: …` names
 *   the data's date). Prefixes are usually 7 digits; shorter or longer ones are allowed and the
 *   longest that starts a number wins. `province` is the two-digit administrative code or the
 *   province's name; `carrier` is cmcc|cucc|ctcc|cbn|mvno, a Chinese operator name, or empty.
 * - `phone.dat`, the layout many tools share: 4 bytes version (ASCII, e.g. `2306` = June 2023),
 *   int32 LE offset of the first index entry, records `省|市|邮编|区号\0`, then 9-byte index entries
 *   (int32 LE 7-digit prefix, int32 LE record offset, uint8 card type).
 */
import type { Carrier } from './carrier.js';

/** GB/T 2260 province-level codes (the first two digits of a region code) and short names. */
export const PROVINCES = {
  '11': '北京',
  '12': '天津',
  '13': '河北',
  '14': '山西',
  '15': '内蒙古',
  '21': '辽宁',
  '22': '吉林',
  '23': '黑龙江',
  '31': '上海',
  '32': '江苏',
  '33': '浙江',
  '34': '安徽',
  '35': '福建',
  '36': '江西',
  '37': '山东',
  '41': '河南',
  '42': '湖北',
  '43': '湖南',
  '44': '广东',
  '45': '广西',
  '46': '海南',
  '50': '重庆',
  '51': '四川',
  '52': '贵州',
  '53': '云南',
  '54': '西藏',
  '61': '陕西',
  '62': '甘肃',
  '63': '青海',
  '64': '宁夏',
  '65': '新疆',
} as const satisfies Record<string, string>;
export type ProvinceCode = keyof typeof PROVINCES;

export function isProvinceCode(value: string): value is ProvinceCode {
  return Object.hasOwn(PROVINCES, value);
}

/** A province's code from its code, short name or full name (`辽宁`, `辽宁省`, `广西壮族自治区`). */
export function provinceCodeOf(value: string): ProvinceCode | null {
  const v = value.trim();
  if (isProvinceCode(v)) return v;
  for (const [code, name] of Object.entries(PROVINCES) as [ProvinceCode, string][])
    if (v.startsWith(name)) return code;
  return null;
}

const CARRIER_WORDS: Readonly<Record<string, Carrier>> = {
  cmcc: 'cmcc',
  cucc: 'cucc',
  ctcc: 'ctcc',
  cbn: 'cbn',
  mvno: 'mvno',
  中国移动: 'cmcc',
  移动: 'cmcc',
  中国联通: 'cucc',
  联通: 'cucc',
  中国电信: 'ctcc',
  电信: 'ctcc',
  中国广电: 'cbn',
  广电: 'cbn',
  虚拟运营商: 'mvno',
};

/** phone.dat card types (1 移动 2 联通 3 电信 4 电信虚拟 5 联通虚拟 6 移动虚拟 7 广电 8 广电虚拟). */
const CARD_TYPES: Readonly<Record<number, Carrier>> = {
  1: 'cmcc',
  2: 'cucc',
  3: 'ctcc',
  4: 'mvno',
  5: 'mvno',
  6: 'mvno',
  7: 'cbn',
  8: 'mvno',
};

export interface SegmentInfo {
  province: ProvinceCode;
  city: string;
  /** The carrier the data names; null when it names none (the carrier prefix table then answers). */
  carrier: Carrier | null;
}

export interface PhoneData {
  format: 'csv' | 'phone.dat';
  /** When the data was made: `# date:` of a CSV, the version of a phone.dat, else supplied by the caller. */
  date: string;
  /** Prefix entries read. */
  entries: number;
  /** Three-digit number blocks (130, 131, …) the data has any entry for. */
  blocks: string[];
  lookup(mobile: string): SegmentInfo | null;
}

export interface PhoneDataError {
  /** `line 12` or `offset 1024`: where the file is wrong. */
  where: string;
  reason: string;
}

export type PhoneDataResult = { ok: true; data: PhoneData } | { ok: false; error: PhoneDataError };

function buildData(format: PhoneData['format'], date: string, table: Map<string, SegmentInfo>): PhoneData {
  let longest = 0;
  let shortest = Infinity;
  const blocks = new Set<string>();
  for (const prefix of table.keys()) {
    longest = Math.max(longest, prefix.length);
    shortest = Math.min(shortest, prefix.length);
    blocks.add(prefix.slice(0, 3));
  }
  return {
    format,
    date,
    entries: table.size,
    blocks: [...blocks].filter((b) => b.length === 3).sort(),
    lookup(mobile) {
      for (let n = Math.min(longest, mobile.length); n >= shortest; n--) {
        const hit = table.get(mobile.slice(0, n));
        if (hit) return hit;
      }
      return null;
    },
  };
}

/** Records are shared between prefixes: the country has a few hundred cities, not 300,000. */
function interner(): (province: ProvinceCode, city: string, carrier: Carrier | null) => SegmentInfo {
  const seen = new Map<string, SegmentInfo>();
  return (province, city, carrier) => {
    const key = `${province}|${city}|${carrier ?? ''}`;
    let info = seen.get(key);
    if (!info) {
      info = Object.freeze({ province, city, carrier });
      seen.set(key, info);
    }
    return info;
  };
}

const fail = (where: string, reason: string): PhoneDataResult => ({ ok: false, error: { where, reason } });

export function parseSegmentCsv(text: string, fallbackDate: string): PhoneDataResult {
  const table = new Map<string, SegmentInfo>();
  const intern = interner();
  let date = fallbackDate;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const where = `line ${i + 1}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s*date:\s*(\S+)/i.exec(line);
      if (m?.[1]) date = m[1];
      continue;
    }
    const cells = line.split(',').map((c) => c.trim());
    if (table.size === 0 && cells[0]?.toLowerCase() === 'prefix') continue;
    if (cells.length < 2 || cells.length > 4)
      return fail(where, `expected prefix,province,city,carrier — found ${cells.length} columns`);
    const [prefix = '', provinceCell = '', city = '', carrierCell = ''] = cells;
    if (!/^1\d{0,10}$/.test(prefix))
      return fail(where, `prefix "${prefix}" is not 1–11 digits starting with 1`);
    const province = provinceCodeOf(provinceCell);
    if (!province) return fail(where, `province "${provinceCell}" is neither a province code nor a name`);
    let carrier: Carrier | null = null;
    if (carrierCell !== '') {
      const c = CARRIER_WORDS[carrierCell.toLowerCase()] ?? CARRIER_WORDS[carrierCell];
      if (!c) return fail(where, `carrier "${carrierCell}" is not one of cmcc cucc ctcc cbn mvno`);
      carrier = c;
    }
    if (table.has(prefix)) return fail(where, `prefix ${prefix} appears twice`);
    table.set(prefix, intern(province, city, carrier));
  }
  if (table.size === 0) return fail(`line ${lines.length}`, 'no segment entries');
  return { ok: true, data: buildData('csv', date, table) };
}

const INDEX_ENTRY = 9;

export function parsePhoneDat(bytes: Uint8Array): PhoneDataResult {
  if (bytes.length < 8)
    return fail('offset 0', `file of ${bytes.length} bytes is shorter than its 8-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = String.fromCharCode(...bytes.subarray(0, 4));
  if (!/^\d{4}$/.test(version)) return fail('offset 0', `version "${version}" is not four digits (YYMM)`);
  const indexStart = view.getInt32(4, true);
  if (indexStart < 8 || indexStart > bytes.length)
    return fail('offset 4', `index offset ${indexStart} lies outside the file (${bytes.length} bytes)`);
  if ((bytes.length - indexStart) % INDEX_ENTRY !== 0)
    return fail(
      `offset ${indexStart}`,
      `index of ${bytes.length - indexStart} bytes is not a whole number of 9-byte entries`,
    );
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const intern = interner();
  const records = new Map<number, { province: ProvinceCode; city: string } | PhoneDataError>();
  const readRecord = (offset: number): { province: ProvinceCode; city: string } | PhoneDataError => {
    const cached = records.get(offset);
    if (cached) return cached;
    let result: { province: ProvinceCode; city: string } | PhoneDataError;
    const end = bytes.indexOf(0, offset);
    if (offset < 8 || offset >= indexStart || end < 0 || end > indexStart) {
      result = { where: `offset ${offset}`, reason: 'record offset outside the record area' };
    } else {
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(offset, end));
      } catch {
        text = '\uFFFD';
      }
      const [provinceName = '', city = ''] = text.split('|');
      const province = provinceCodeOf(provinceName);
      result = province
        ? { province, city }
        : { where: `offset ${offset}`, reason: `record "${text.slice(0, 40)}" names no known province` };
    }
    records.set(offset, result);
    return result;
  };
  const table = new Map<string, SegmentInfo>();
  for (let at = indexStart; at < bytes.length; at += INDEX_ENTRY) {
    const prefix = view.getInt32(at, true);
    if (prefix < 1_000_000 || prefix > 1_999_999)
      return fail(`offset ${at}`, `index prefix ${prefix} is not a 7-digit number starting with 1`);
    const record = readRecord(view.getInt32(at + 4, true));
    if ('reason' in record) return fail(record.where, `${record.reason} (index entry at offset ${at})`);
    const cardType = view.getUint8(at + 8);
    const carrier = CARD_TYPES[cardType];
    if (!carrier) return fail(`offset ${at + 8}`, `card type ${cardType} is not 1–8`);
    table.set(String(prefix), intern(record.province, record.city, carrier));
  }
  if (table.size === 0) return fail(`offset ${indexStart}`, 'the index is empty');
  return { ok: true, data: buildData('phone.dat', `20${version.slice(0, 2)}-${version.slice(2)}`, table) };
}

/** Which layout a file holds: phone.dat starts with four ASCII digits and binary; a CSV is text. */
export function parsePhoneData(bytes: Uint8Array, fallbackDate: string): PhoneDataResult {
  const looksDat =
    bytes.length >= 8 && /^\d{4}$/.test(String.fromCharCode(...bytes.subarray(0, 4))) && bytes[4] !== 0x2c;
  if (looksDat && bytes.subarray(0, 64).some((b) => b < 0x09)) return parsePhoneDat(bytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('offset 0', 'neither a UTF-8 CSV nor a phone.dat file');
  }
  return parseSegmentCsv(text, fallbackDate);
}
