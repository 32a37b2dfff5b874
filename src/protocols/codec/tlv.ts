/**
 * TLV sections (SMPP 3.4 §5.3 "Optional Parameters", SMGP 3.0 §6.3 可选参数): tag, length, value,
 * repeated to the end of the PDU. A section is one field of a table (`tlvs`), declared with a tuple
 * of `tlv` definitions; its value is an object of the known parameters by name, plus the unknown
 * ones kept as raw tag/value pairs so that nothing a peer sent is lost (protocols docs/protocols.md §4.6:
 * "Skip unknown TLVs"; §3.8: real SMGP traffic carries unlisted tags).
 *
 * Encoding writes the known parameters in table order, then the unknown ones. Decoding never throws:
 * a value running past the end is a typed `TRUNCATED` error — unless the section is declared
 * `lenientTail`, in which case the truncated final TLV is dropped (real SMGP gateways send those,
 * docs/protocols.md §9 item 5).
 */
import { AppError } from '../../shared/errors.js';
import { decoded, failed, type DecodeResult } from './result.js';

/** How a TLV's value octets are read. */
export type TlvValueKind = 'u8' | 'u16' | 'u32' | 'cstring' | 'octets' | 'text';

export interface TlvDef<N extends string = string, K extends TlvValueKind = TlvValueKind> {
  readonly name: N;
  readonly tag: number;
  readonly kind: K;
  /** The parameter's name as the specification spells it (`receipted_message_id`). */
  readonly spec: string;
}

export interface TlvsOptions {
  spec?: string;
  /** Drop a final TLV whose value runs past the end instead of failing the PDU. */
  lenientTail?: boolean;
  /** Octets of the tag and of the length; 2 each in SMPP and SMGP. */
  tagWidth?: 1 | 2;
  lengthWidth?: 1 | 2;
}

export interface TlvsField<N extends string = string, D extends readonly TlvDef[] = readonly TlvDef[]> {
  readonly kind: 'tlvs';
  readonly name: N;
  readonly spec: string;
  readonly defs: D;
  readonly lenientTail: boolean;
  readonly tagWidth: 1 | 2;
  readonly lengthWidth: 1 | 2;
  /** An absent section encodes as no octets, so the field is optional in a value. */
  readonly default: Record<string, never>;
}

export interface UnknownTlv {
  tag: number;
  value: Buffer;
}

type TlvValueOfKind<K> = K extends 'u8' | 'u16' | 'u32'
  ? number
  : K extends 'cstring' | 'text'
    ? string
    : K extends 'octets'
      ? Buffer
      : never;

/** The value of a TLV section: every known parameter optional by name, unknown ones kept raw. */
export type TlvsValue<D extends readonly TlvDef[]> = {
  [T in D[number] as T['name']]?: TlvValueOfKind<T['kind']>;
} & { unknown?: UnknownTlv[] };

/** One optional parameter: its name in our values, its tag, how its value is read. */
export const tlv = <N extends string, K extends TlvValueKind>(
  name: N,
  tag: number,
  kind: K,
  spec?: string,
): TlvDef<N, K> => ({ name, tag, kind, spec: spec ?? name });

/**
 * A TLV section running to the end of the PDU; must be the last field of its table. The third
 * argument is the section's spec name or its options.
 */
export function tlvs<N extends string, const D extends readonly TlvDef[]>(
  name: N,
  defs: D,
  specOrOptions?: string | TlvsOptions,
  options: TlvsOptions = {},
): TlvsField<N, D> {
  const o = typeof specOrOptions === 'object' ? { ...options, ...specOrOptions } : options;
  const spec = typeof specOrOptions === 'string' ? specOrOptions : (o.spec ?? name);
  return {
    kind: 'tlvs',
    name,
    spec,
    defs,
    lenientTail: o.lenientTail ?? false,
    tagWidth: o.tagWidth ?? 2,
    lengthWidth: o.lengthWidth ?? 2,
    default: {},
  };
}

/** Checks a section's definitions once, at table definition: names and tags unique, tags fit. */
export function checkTlvDefs(field: TlvsField, where: string): void {
  const names = new Set<string>(['unknown']);
  const tags = new Set<number>();
  const maxTag = field.tagWidth === 1 ? 0xff : 0xffff;
  for (const d of field.defs) {
    if (names.has(d.name)) throw new Error(`${where}: TLV name ${d.name} repeated or reserved`);
    if (tags.has(d.tag) || !Number.isInteger(d.tag) || d.tag < 0 || d.tag > maxTag)
      throw new Error(`${where}: TLV tag ${d.tag} repeated or out of range`);
    names.add(d.name);
    tags.add(d.tag);
  }
}

const INT_WIDTH = { u8: 1, u16: 2, u32: 4 } as const;

function encodeFail(what: string, why: string): never {
  throw new AppError('ERR_PROTOCOL_ENCODE', `${what}: ${why}`);
}

function singleByte(what: string, v: string): void {
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0xff) encodeFail(what, 'not single-byte text');
}

/** The value octets of one known parameter; throws `ERR_PROTOCOL_ENCODE` on a value it cannot carry. */
function valueBytes(section: TlvsField, def: TlvDef, v: unknown): Buffer {
  const what = `${section.name}.${def.name}`;
  switch (def.kind) {
    case 'u8':
    case 'u16':
    case 'u32': {
      const width = INT_WIDTH[def.kind];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** (8 * width))
        return encodeFail(what, `expected an integer of ${width} octet(s), got ${String(v)}`);
      const b = Buffer.alloc(width);
      b.writeUIntBE(v, 0, width);
      return b;
    }
    case 'cstring':
      if (typeof v !== 'string') return encodeFail(what, 'expected a string');
      singleByte(what, v);
      if (v.includes('\0')) encodeFail(what, 'a C-Octet String cannot hold NUL');
      return Buffer.from(`${v}\0`, 'latin1');
    case 'text':
      if (typeof v !== 'string') return encodeFail(what, 'expected a string');
      singleByte(what, v);
      return Buffer.from(v, 'latin1');
    case 'octets':
      if (!Buffer.isBuffer(v)) return encodeFail(what, 'expected a Buffer');
      return v;
  }
}

/** The section's octets for `value` (an absent value is no octets). */
export function encodeTlvs(section: TlvsField, value: unknown): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  if (typeof value !== 'object' || value === null) return encodeFail(section.name, 'expected an object');
  const values = value as Record<string, unknown>;
  const items: { tag: number; value: Buffer }[] = [];
  for (const def of section.defs) {
    const v = values[def.name];
    if (v !== undefined) items.push({ tag: def.tag, value: valueBytes(section, def, v) });
  }
  const unknown = values.unknown;
  if (unknown !== undefined) {
    if (!Array.isArray(unknown)) return encodeFail(`${section.name}.unknown`, 'expected an array');
    for (const u of unknown as unknown[]) {
      const item = u as Partial<UnknownTlv> | null;
      if (typeof item?.tag !== 'number' || !Buffer.isBuffer(item.value))
        return encodeFail(`${section.name}.unknown`, 'expected { tag, value: Buffer }');
      items.push({ tag: item.tag, value: item.value });
    }
  }
  const maxTag = 2 ** (8 * section.tagWidth) - 1;
  const maxLength = 2 ** (8 * section.lengthWidth) - 1;
  const head = section.tagWidth + section.lengthWidth;
  const out = Buffer.alloc(items.reduce((n, i) => n + head + i.value.length, 0));
  let at = 0;
  for (const item of items) {
    if (!Number.isInteger(item.tag) || item.tag < 0 || item.tag > maxTag)
      encodeFail(section.name, `tag ${item.tag} does not fit ${section.tagWidth} octet(s)`);
    if (item.value.length > maxLength)
      encodeFail(section.name, `tag 0x${item.tag.toString(16)}: value of ${item.value.length} octets`);
    out.writeUIntBE(item.tag, at, section.tagWidth);
    out.writeUIntBE(item.value.length, at + section.tagWidth, section.lengthWidth);
    item.value.copy(out, at + head);
    at += head + item.value.length;
  }
  return out;
}

/** Text up to the first NUL (docs/protocols.md §0); trailing spaces trimmed like an Octet String. */
function textOf(raw: Buffer): string {
  const nul = raw.indexOf(0);
  return raw.toString('latin1', 0, nul === -1 ? raw.length : nul).replace(/ +$/, '');
}

/**
 * A known parameter's value, or null when its octets cannot be that kind. Integers are read at the
 * width sent when the number fits the declared kind: go_smgp writes the 1-octet TP_udhi and PkTotal
 * in 2 octets (docs/protocols.md §3.8), and their meaning is not in doubt.
 */
function readValue(def: TlvDef, raw: Buffer): unknown {
  switch (def.kind) {
    case 'u8':
    case 'u16':
    case 'u32': {
      if (raw.length < 1 || raw.length > 4) return null;
      const n = raw.readUIntBE(0, raw.length);
      return n < 2 ** (8 * INT_WIDTH[def.kind]) ? n : null;
    }
    case 'cstring': {
      // The NUL should be there; some SMSCs leave it out of receipted_message_id. Read to it or the end.
      const nul = raw.indexOf(0);
      return raw.toString('latin1', 0, nul === -1 ? raw.length : nul);
    }
    case 'text':
      return textOf(raw);
    case 'octets':
      return Buffer.from(raw);
  }
}

/**
 * Decodes `buf[start..end)` as the section. A known tag seen again, or one whose value does not fit
 * its kind, is kept in `unknown` rather than failing the PDU or overwriting the first value.
 */
export function decodeTlvs(
  section: TlvsField,
  buf: Buffer,
  start: number,
  end: number,
): DecodeResult<Record<string, unknown>> {
  const byTag = new Map(section.defs.map((d) => [d.tag, d]));
  const out: Record<string, unknown> = {};
  const unknown: UnknownTlv[] = [];
  const head = section.tagWidth + section.lengthWidth;
  let at = start;
  while (at < end) {
    if (at + head > end) {
      if (section.lenientTail) break;
      return failed(
        'TRUNCATED',
        `${section.spec}: ${end - at} octet(s) left, a TLV header needs ${head}`,
        section.name,
      );
    }
    const tag = buf.readUIntBE(at, section.tagWidth);
    const length = buf.readUIntBE(at + section.tagWidth, section.lengthWidth);
    if (at + head + length > end) {
      if (section.lenientTail) break;
      return failed(
        'TRUNCATED',
        `${section.spec}: tag 0x${tag.toString(16).padStart(4, '0')} declares ${length} octets, ${end - at - head} left`,
        section.name,
      );
    }
    const raw = buf.subarray(at + head, at + head + length);
    at += head + length;
    const def = byTag.get(tag);
    const value = def && out[def.name] === undefined ? readValue(def, raw) : null;
    if (def && value !== null) out[def.name] = value;
    else unknown.push({ tag, value: Buffer.from(raw) });
  }
  if (unknown.length > 0) out.unknown = unknown;
  return decoded(out);
}

/** The spec name of a tag in the section, for `pdu decode` output. */
export function tlvSpecName(section: TlvsField, tag: number): string | null {
  return section.defs.find((d) => d.tag === tag)?.spec ?? null;
}
