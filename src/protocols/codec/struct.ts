/**
 * The one engine that encodes and decodes any field table (fields.ts). Encoding takes local values
 * and throws `ERR_PROTOCOL_ENCODE` on values the table cannot carry (a programming error upstream);
 * decoding takes peer bytes, checks bounds before every read and returns a `DecodeResult`, never
 * throwing. Decoded Buffers are copies, so a value never pins a socket chunk in memory.
 */
import { AppError } from '../../shared/errors.js';
import {
  fixedSize,
  isAbsentable,
  type CStringField,
  type Field,
  type ItemField,
  type LengthField,
  type StructValue,
} from './fields.js';
import { decoded, failed, type DecodeResult } from './result.js';
import { checkTlvDefs, decodeTlvs, encodeTlvs } from './tlv.js';

/** Values by field name, as the engine sees them before the table's type is applied. */
export type Values = Record<string, unknown>;

const UINT_MAX: Record<1 | 2 | 4, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };
const U64_MAX = (1n << 64n) - 1n;

function encodeFail(field: { name: string }, why: string): never {
  throw new AppError('ERR_PROTOCOL_ENCODE', `${field.name}: ${why}`);
}

/**
 * Checks a table once, when a protocol module loads: length fields precede the one field that uses
 * them, `rest` and `tlvs` come last, nothing but `mayBeAbsent` fields and a TLV section follows a
 * `mayBeAbsent` field, names are unique. A bad table is our bug, so this throws.
 */
export function checkTable(fields: readonly Field[], where: string): void {
  const seen = new Set<string>();
  const lengths = new Map<string, boolean>();
  let absentable = false;
  fields.forEach((f, i) => {
    if (seen.has(f.name)) throw new Error(`${where}: duplicate field ${f.name}`);
    seen.add(f.name);
    if (isAbsentable(f)) absentable = true;
    else if (absentable && f.kind !== 'tlvs')
      throw new Error(`${where}: ${f.name} follows a field that may be absent`);
    if (f.kind === 'tlvs') checkTlvDefs(f, `${where} ${f.name}`);
    if (f.kind === 'length') lengths.set(f.name, false);
    if (f.kind === 'varBytes' || f.kind === 'list') {
      const ref = f.kind === 'list' ? f.countField : f.lengthField;
      if (lengths.get(ref) !== false)
        throw new Error(`${where}: ${f.name} needs an unused length field ${ref} before it`);
      lengths.set(ref, true);
    }
    if ((f.kind === 'rest' || f.kind === 'tlvs') && i !== fields.length - 1)
      throw new Error(`${where}: ${f.kind} field ${f.name} must be last`);
  });
  for (const [name, used] of lengths)
    if (!used) throw new Error(`${where}: length field ${name} is not used`);
}

function valueOrDefault(field: Exclude<Field, LengthField>, values: Values): unknown {
  const v = values[field.name];
  if (v !== undefined) return v;
  if (field.default !== undefined) return field.default;
  return encodeFail(field, 'missing');
}

/** A C-Octet String's octets: single-byte text without NUL, then the NUL, within `max` (SMPP 3.4 §3.1). */
function cstringBytes(field: CStringField, v: unknown): Buffer {
  if (typeof v !== 'string') return encodeFail(field, 'expected a string');
  for (let i = 0; i < v.length; i++) {
    const code = v.charCodeAt(i);
    if (code > 0xff) encodeFail(field, 'not single-byte text');
    if (code === 0) encodeFail(field, 'a C-Octet String cannot hold NUL');
  }
  if (v.length + 1 > field.max) encodeFail(field, `${v.length} octets and the NUL exceed ${field.max}`);
  return Buffer.from(`${v}\0`, 'latin1');
}

function checkUint(field: { name: string }, v: unknown, width: 1 | 2 | 4): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT_MAX[width]) {
    return encodeFail(field, `expected an integer 0..${UINT_MAX[width]}, got ${String(v)}`);
  }
  return v;
}

function checkItemOrScalar(field: ItemField, v: unknown): void {
  switch (field.kind) {
    case 'uint':
      checkUint(field, v, field.width);
      return;
    case 'u64':
      if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) encodeFail(field, 'expected a bigint 0..2^64-1');
      return;
    case 'octets':
      if (typeof v !== 'string') return encodeFail(field, 'expected a string');
      // Octet Strings are single-byte text; one character per octet keeps decode(encode(x)) = x.
      for (let i = 0; i < v.length; i++)
        if (v.charCodeAt(i) > 0xff) encodeFail(field, 'not single-byte text');
      if (v.length > field.size) encodeFail(field, `longer than ${field.size} octets: ${v.length}`);
      return;
    case 'bytes':
      if (!Buffer.isBuffer(v) || v.length !== field.size)
        encodeFail(field, `expected a Buffer of ${field.size} octets`);
      return;
  }
}

/** Lengths and counts of a value, keyed by the length field's name; checked against their width. */
export function computeLengths(fields: readonly Field[], values: Values): Map<string, number> {
  const widths = new Map<string, 1 | 2 | 4>();
  const out = new Map<string, number>();
  for (const f of fields) {
    if (f.kind === 'length') widths.set(f.name, f.width);
    if (f.kind !== 'varBytes' && f.kind !== 'list') continue;
    const v = valueOrDefault(f, values);
    const ref = f.kind === 'list' ? f.countField : f.lengthField;
    if (f.kind === 'varBytes' && !Buffer.isBuffer(v)) encodeFail(f, 'expected a Buffer');
    if (f.kind === 'list' && !Array.isArray(v)) encodeFail(f, 'expected an array');
    const n = (v as { length: number }).length;
    const width = widths.get(ref) ?? 4;
    if (n > UINT_MAX[width] || (f.max !== null && n > f.max)) encodeFail(f, `too long: ${n}`);
    out.set(ref, n);
  }
  return out;
}

function sizeOf(field: Field, v: unknown): number {
  const fixed = fixedSize(field);
  if (fixed !== null) return fixed;
  if (field.kind === 'list') return (v as unknown[]).length * (fixedSize(field.item) ?? 0);
  return (v as Buffer).length;
}

function writeItem(buf: Buffer, at: number, field: ItemField, v: unknown): number {
  switch (field.kind) {
    case 'uint':
      buf.writeUIntBE(v as number, at, field.width);
      return at + field.width;
    case 'u64':
      buf.writeBigUInt64BE(v as bigint, at);
      return at + 8;
    case 'octets':
      // The rest of the field stays 0x00: Buffer.alloc zero-fills (docs/protocols.md §0, NUL padding).
      buf.write(v as string, at, 'latin1');
      return at + field.size;
    case 'bytes':
      (v as Buffer).copy(buf, at);
      return at + field.size;
  }
}

/**
 * Whether the field is left off the wire: a `mayBeAbsent` field without a value. Every field after
 * it must then be absent too (an empty TLV section counts), or decoding would misread the bytes.
 */
function absentFrom(fields: readonly Field[], values: Values): number {
  const first = fields.findIndex((f) => isAbsentable(f) && values[f.name] === undefined);
  if (first === -1) return fields.length;
  for (const f of fields.slice(first + 1)) {
    const v = values[f.name];
    const empty =
      v === undefined ||
      (f.kind === 'tlvs' && typeof v === 'object' && v !== null && encodeTlvs(f, v).length === 0);
    if (!empty) encodeFail(f, `present after the absent ${fields[first]?.name ?? ''}`);
  }
  return first;
}

/** Encodes `values` by the table; throws `ERR_PROTOCOL_ENCODE` when a value does not fit. */
export function encodeFields(
  fields: readonly Field[],
  values: Values,
  extra = 0,
): { buf: Buffer; start: number } {
  const present = fields.slice(0, absentFrom(fields, values));
  const lengths = computeLengths(present, values);
  // Variable-width kinds become their octets up front, so sizing and writing agree.
  const resolved = present.map((f) => {
    if (f.kind === 'length') return lengths.get(f.name) ?? 0;
    const v = valueOrDefault(f, values);
    if (f.kind === 'cstring') return cstringBytes(f, v);
    if (f.kind === 'tlvs') return encodeTlvs(f, v);
    return v;
  });
  let size = extra;
  present.forEach((f, i) => {
    const v = resolved[i];
    if (f.kind === 'uint' || f.kind === 'u64' || f.kind === 'octets' || f.kind === 'bytes')
      checkItemOrScalar(f, v);
    if (f.kind === 'list') for (const item of v as unknown[]) checkItemOrScalar(f.item, item);
    if (f.kind === 'rest' && !Buffer.isBuffer(v)) encodeFail(f, 'expected a Buffer');
    size += sizeOf(f, v);
  });
  const buf = Buffer.alloc(size);
  let at = extra;
  present.forEach((f, i) => {
    const v = resolved[i];
    switch (f.kind) {
      case 'uint':
      case 'u64':
      case 'octets':
      case 'bytes':
        at = writeItem(buf, at, f, v);
        break;
      case 'length':
        buf.writeUIntBE(v as number, at, f.width);
        at += f.width;
        break;
      case 'list':
        for (const item of v as unknown[]) at = writeItem(buf, at, f.item, item);
        break;
      case 'varBytes':
      case 'rest':
      case 'cstring':
      case 'tlvs':
        at += (v as Buffer).copy(buf, at);
        break;
    }
  });
  return { buf, start: extra };
}

/** The table's bytes for `value`. */
export function encodeStruct<const Fs extends readonly Field[]>(fields: Fs, value: StructValue<Fs>): Buffer {
  return encodeFields(fields, value).buf;
}

/** Text of an Octet String: up to the first NUL, trailing spaces trimmed (docs/protocols.md §0). */
function octetText(raw: Buffer): string {
  const nul = raw.indexOf(0);
  return raw.toString('latin1', 0, nul === -1 ? raw.length : nul).replace(/ +$/, '');
}

function readItem(buf: Buffer, at: number, field: ItemField): unknown {
  switch (field.kind) {
    case 'uint':
      return buf.readUIntBE(at, field.width);
    case 'u64':
      return buf.readBigUInt64BE(at);
    case 'octets':
      return octetText(buf.subarray(at, at + field.size));
    case 'bytes':
      return Buffer.from(buf.subarray(at, at + field.size));
  }
}

/**
 * A C-Octet String at `at`: the text before the NUL, which must come within `max` octets
 * (TOO_LONG when `max` octets hold none) and before the end of the PDU (TRUNCATED).
 */
function readCString(
  field: CStringField,
  buf: Buffer,
  at: number,
  start: number,
  end: number,
): DecodeResult<{ text: string; next: number }> {
  const limit = Math.min(end, at + field.max);
  const nul = buf.subarray(at, limit).indexOf(0);
  if (nul === -1) {
    return limit === end && end - at < field.max
      ? failed('TRUNCATED', `${field.spec}: no NUL before the end at ${at - start}`, field.name)
      : failed('TOO_LONG', `${field.spec}: no NUL within ${field.max} octets`, field.name);
  }
  return decoded({ text: buf.toString('latin1', at, at + nul), next: at + nul + 1 });
}

/**
 * Decodes fields from `buf[start..end)`, which must be used exactly. Every read is bounds-checked
 * first; nothing here throws on any input.
 */
export function decodeFields(
  fields: readonly Field[],
  buf: Buffer,
  start: number,
  end: number,
): DecodeResult<Values> {
  const out: Values = {};
  const lengths = new Map<string, number>();
  let at = start;
  for (const f of fields) {
    // A trailing field the peer left out; by checkTable only such fields and TLVs (then empty) follow.
    if (at === end && isAbsentable(f)) continue;
    const fixed = fixedSize(f);
    if (fixed !== null && at + fixed > end) {
      return failed(
        'TRUNCATED',
        `${f.spec}: needs ${fixed} octets at ${at - start}, ${end - at} left`,
        f.name,
      );
    }
    switch (f.kind) {
      case 'uint':
      case 'u64':
      case 'octets':
      case 'bytes':
        out[f.name] = readItem(buf, at, f);
        at += fixed ?? 0;
        break;
      case 'length':
        lengths.set(f.name, buf.readUIntBE(at, f.width));
        at += f.width;
        break;
      case 'varBytes':
      case 'list': {
        const n = lengths.get(f.kind === 'list' ? f.countField : f.lengthField) ?? 0;
        if (f.max !== null && n > f.max)
          return failed('TOO_LONG', `${f.spec}: ${n} exceeds ${f.max}`, f.name);
        const itemSize = f.kind === 'list' ? (fixedSize(f.item) ?? 0) : 1;
        if (at + n * itemSize > end) {
          return failed(
            'TRUNCATED',
            `${f.spec}: needs ${n * itemSize} octets at ${at - start}, ${end - at} left`,
            f.name,
          );
        }
        if (f.kind === 'varBytes') {
          out[f.name] = Buffer.from(buf.subarray(at, at + n));
        } else {
          const items: unknown[] = [];
          for (let i = 0; i < n; i++) items.push(readItem(buf, at + i * itemSize, f.item));
          out[f.name] = items;
        }
        at += n * itemSize;
        break;
      }
      case 'rest':
        out[f.name] = Buffer.from(buf.subarray(at, end));
        at = end;
        break;
      case 'cstring': {
        const read = readCString(f, buf, at, start, end);
        if (!read.ok) return read;
        out[f.name] = read.value.text;
        at = read.value.next;
        break;
      }
      case 'tlvs': {
        const section = decodeTlvs(f, buf, at, end);
        if (!section.ok) return section;
        out[f.name] = section.value;
        at = end;
        break;
      }
    }
  }
  if (at !== end) return failed('LENGTH_MISMATCH', `${end - at} octets left over after the last field`);
  return decoded(out);
}

/** Decodes a whole buffer by the table. */
export function decodeStruct<const Fs extends readonly Field[]>(
  fields: Fs,
  buf: Buffer,
): DecodeResult<StructValue<Fs>> {
  return decodeFields(fields, buf, 0, buf.length) as DecodeResult<StructValue<Fs>>;
}
