/**
 * Reading `POST /api/sms/send` (docs/design.md §4.2): fields arrive as JSON or as a form, as strings,
 * numbers or arrays. Each reader answers the value or throws the Appendix A code for it; the route
 * calls them in the order the codes must be checked.
 */
import { fromBeijing } from '../domain/beijing-time.js';
import { SENDABLE_CATEGORIES, type Category } from '../domain/categories.js';
import { normalizeMobile } from '../domain/phone.js';
import { fail } from './result-codes.js';
import { replacePlaceholders } from '../domain/placeholders.js';

export type Body = Record<string, unknown>;

export function asBody(raw: unknown): Body {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) fail('FORMAT', '请求体必须是 JSON 对象或表单', 'body');
  return raw as Body;
}

/** A scalar field as text; undefined when absent or empty. Objects are a format error. */
export function text(body: Body, name: string): string | undefined {
  let value = body[name];
  if (Array.isArray(value) && value.length === 1) value = value[0] as unknown;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return fail('FORMAT', `${name} 必须是文本`, name);
}

export function required(body: Body, name: string): string {
  const value = text(body, name);
  if (value === undefined || value.trim() === '') return fail('MISSING', `缺少 ${name}`, name);
  return value;
}

/** Whether the mobiles field is present with at least one entry. */
export function hasMobiles(body: Body): boolean {
  const v = body.mobiles;
  // No String() of entries: on a deeply nested array it recurses until the stack overflows. A
  // non-text entry counts as present, so parseMobiles answers it with code 2.
  if (Array.isArray(v))
    return v.some((x) => x !== null && x !== undefined && (typeof x !== 'string' || x.trim() !== ''));
  if (typeof v === 'string') return v.trim() !== '';
  return typeof v === 'number';
}

/** Code -1 for a send: numbers, and content unless a template names it. */
export function requireSendFields(body: Body): void {
  if (!hasMobiles(body)) fail('MISSING', '缺少 mobiles', 'mobiles');
  if (text(body, 'templateId') === undefined) required(body, 'content');
}

const SEPARATORS = /[,，;；、\r\n\t]+/;

/**
 * Entries are separated by commas (and the like); spaces inside an entry are a number's own
 * formatting (`+86 138 0013 8000`) unless the entry is several numbers separated by spaces.
 */
function splitEntry(entry: string): string[] {
  const trimmed = entry.trim();
  if (!/\s/.test(trimmed) || normalizeMobile(trimmed) !== null) return [trimmed];
  return trimmed.split(/\s+/);
}

/** Distinct normalised numbers in the order given; code 2 names the malformed ones. */
export function parseMobiles(body: Body, max: number): string[] {
  const v = body.mobiles;
  let raw: string[];
  if (Array.isArray(v)) {
    raw = v.flatMap((x) => {
      if (typeof x === 'string') return x.split(SEPARATORS).flatMap(splitEntry);
      if (typeof x === 'number') return [String(x)];
      return fail('FORMAT', 'mobiles 只能包含手机号码文本', 'mobiles');
    });
  } else if (typeof v === 'string' || typeof v === 'number') {
    raw = String(v).split(SEPARATORS).flatMap(splitEntry);
  } else {
    return fail('FORMAT', 'mobiles 必须是逗号分隔的号码或号码数组', 'mobiles');
  }
  raw = raw.map((s) => s.trim()).filter(Boolean);
  if (raw.length > max) fail('FORMAT', `mobiles 最多 ${max} 个号码，收到 ${raw.length} 个`, 'mobiles');
  const out: string[] = [];
  const seen = new Set<string>();
  const invalid: string[] = [];
  for (const entry of raw) {
    const mobile = normalizeMobile(entry);
    if (mobile === null) invalid.push(entry);
    else if (!seen.has(mobile)) {
      seen.add(mobile);
      out.push(mobile);
    }
  }
  if (invalid.length > 0) {
    const shown = invalid.slice(0, 5).join(',');
    fail(
      'FORMAT',
      `mobiles 含有无效号码 ${shown}${invalid.length > 5 ? ` 等 ${invalid.length} 个` : ''}`,
      'mobiles',
    );
  }
  return out;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `sendTime` as epoch ms: `yyyyMMddHHmmss` or ISO 8601, Beijing time unless a zone is given.
 * A time already past means now (null); beyond the scheduling horizon is a format error.
 */
export function parseSendTime(value: string | undefined, now: number, maxDays: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  let at: number | null = null;
  const compact = COMPACT.exec(v);
  const iso = compact ? null : ISO.exec(v);
  const m = compact ?? iso;
  if (m) {
    const n = (i: number): number => Number(m[i] ?? '0');
    if (iso?.[7]) {
      const parsed = Date.parse(v.replace(' ', 'T'));
      // Date.parse rolls 2026-02-30 over; the wall-clock fields must name a real day.
      at =
        Number.isNaN(parsed) ||
        fromBeijing({ year: n(1), month: n(2), day: n(3), hour: 0, minute: 0, second: 0 }) === null
          ? null
          : parsed;
    } else {
      at = fromBeijing({ year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) });
    }
  }
  if (at === null) return fail('FORMAT', 'sendTime 应为 yyyyMMddHHmmss 或 ISO 8601 时间', 'sendTime');
  if (at > now + maxDays * 86_400_000) return fail('FORMAT', `sendTime 不能晚于 ${maxDays} 天后`, 'sendTime');
  return at <= now ? null : at;
}

export function parseExtCode(value: string | undefined, room: number): string {
  if (value === undefined) return '';
  if (!/^\d+$/.test(value)) return fail('FORMAT', 'extCode 只能是数字', 'extCode');
  if (value.length > room) return fail('FORMAT', `extCode 过长，最多 ${room} 位`, 'extCode');
  return value;
}

export function parseCategory(value: string | undefined): Category {
  if (value === undefined) return 'notice';
  const c = value.trim().toLowerCase();
  if (!(SENDABLE_CATEGORIES as readonly string[]).includes(c))
    return fail('FORMAT', `category 只能是 ${SENDABLE_CATEGORIES.join('、')}`, 'category');
  return c as Category;
}

export function parseClientMsgId(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.length > 64 || !/^[\x21-\x7e]+$/.test(value))
    return fail('FORMAT', 'clientMsgId 应为不超过 64 个可见 ASCII 字符', 'clientMsgId');
  return value;
}

/** islong: absent = 0; only 0 or 1 are allowed (Appendix A code 7). */
export function parseIslong(body: Body): boolean {
  const value = body.islong;
  if (value === undefined || value === null || value === '') return false;
  if (value === 0 || value === '0') return false;
  if (value === 1 || value === '1') return true;
  return fail('ISLONG', 'islong 只能是 0 或 1', 'islong');
}

export function parseParams(body: Body): Record<string, string> {
  let value = body.params;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return fail('FORMAT', 'params 应为 JSON 对象', 'params');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('FORMAT', 'params 应为对象', 'params');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number')
      return fail('FORMAT', `params.${k} 应为文本或数字`, 'params');
    out[k] = String(v);
  }
  return out;
}

/** Fills `{name}` or `${name}` variables; a variable without a value is a format error. */
export function fillTemplate(content: string, params: Record<string, string>): string {
  return replacePlaceholders(content, (name) => {
    const v = params[name];
    if (v === undefined) return fail('FORMAT', `params 缺少模板变量 ${name}`, 'params');
    return v;
  });
}

/**
 * What shows as nothing at the start of a text: format characters (zero-width space and joiners,
 * bidi marks and overrides, BOM, soft hyphen), controls, every kind of space, marks with nothing
 * to combine with (variation selectors, combining grapheme joiner), and letters that render blank
 * (Hangul fillers, braille blank).
 */
const INVISIBLE_LEAD = /^[\p{Cf}\p{Cc}\p{Z}\p{M}\u115F\u1160\u2800\u3164\uFFA0]+/u;

/**
 * The account's signature is the only one (docs/design.md §5, standard §6.1): invisible characters
 * in front are dropped, so they cannot hide a second signature; content that repeats the account's
 * signature at the start is trimmed to avoid 【x】【x】; content with a different leading 【…】 is
 * refused.
 */
export function stripOwnSignature(content: string, signature: string): string {
  const trimmed = content.replace(INVISIBLE_LEAD, '');
  if (signature && trimmed.startsWith(signature)) return trimmed.slice(signature.length);
  if (/^【[^】]{1,20}】/.test(trimmed))
    return fail('FORMAT', 'content 不能自带其他签名，签名由账户决定', 'content');
  return trimmed;
}
