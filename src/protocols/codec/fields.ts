/**
 * Field helpers for PDU tables. A table is an `as const` tuple of these descriptors, in wire order;
 * one engine (struct.ts) encodes and decodes any table, and the TypeScript type of a body is derived
 * from its table (`StructValue`), so the layout is written once.
 *
 * Kinds:
 * - `uint`  — unsigned big-endian integer of 1, 2 or 4 octets (`u8`, `u16`, `u32`) → number
 * - `u64`   — unsigned 8-octet integer → bigint (CMPP Msg_Id goes above 2^53)
 * - `octets`— fixed-width text, NUL-padded on the right (the carriers' "Octet String") → string
 * - `bytes` — fixed-width raw octets → Buffer
 * - `length`— a length or count the encoder computes from the field that names it; not in the value
 * - `varBytes` — octets whose length is a preceding `length` field → Buffer
 * - `list`  — fixed-width items whose count is a preceding `length` field → readonly item[]
 * - `rest`  — whatever follows, to the end of the PDU (trailing optional data) → Buffer
 * - `cstring` — SMPP C-Octet String: variable length, NUL-terminated, at most `max` octets with the
 *   NUL (SMPP 3.4 §3.1) → string
 * - `tlvs`  — a section of tag-length-value optional parameters to the end of the PDU (SMPP 3.4
 *   §5.3, SMGP 3.0 §6.3), with its own tag table (tlv.ts) → { [name]?: value, unknown?: [...] }
 *
 * `mayBeAbsent(field)` marks a trailing field a peer may leave out altogether (SMPP submit_sm_resp
 * without message_id, docs/protocols.md §4.4): it decodes as missing when the PDU ends before it.
 *
 * `spec` is the field's name as the specification spells it (`Msg_Id`), for `pdu decode` output.
 */

import type { TlvsField, TlvsValue } from './tlv.js';

export {
  tlv,
  tlvs,
  type TlvDef,
  type TlvsField,
  type TlvsOptions,
  type TlvsValue,
  type TlvValueKind,
  type UnknownTlv,
} from './tlv.js';

export type UintWidth = 1 | 2 | 4;

interface Named<N extends string> {
  readonly name: N;
  readonly spec: string;
}

export interface UintField<N extends string = string> extends Named<N> {
  readonly kind: 'uint';
  readonly width: UintWidth;
  readonly default?: number;
}
export interface U64Field<N extends string = string> extends Named<N> {
  readonly kind: 'u64';
  readonly default?: bigint;
}
export interface OctetsField<N extends string = string> extends Named<N> {
  readonly kind: 'octets';
  readonly size: number;
  readonly default?: string;
}
export interface BytesField<N extends string = string> extends Named<N> {
  readonly kind: 'bytes';
  readonly size: number;
  readonly default?: Buffer;
}
export interface LengthField<N extends string = string> extends Named<N> {
  readonly kind: 'length';
  readonly width: UintWidth;
}
export interface VarBytesField<N extends string = string> extends Named<N> {
  readonly kind: 'varBytes';
  readonly lengthField: string;
  readonly max: number | null;
  readonly default?: Buffer;
}
/** Items of a list have a fixed width, so a count alone bounds the list. */
export type ItemField = UintField | U64Field | OctetsField | BytesField;
export interface ListField<N extends string = string, I extends ItemField = ItemField> extends Named<N> {
  readonly kind: 'list';
  readonly countField: string;
  readonly item: I;
  readonly max: number | null;
  readonly default?: readonly ValueOf<I>[];
}
export interface RestField<N extends string = string> extends Named<N> {
  readonly kind: 'rest';
  readonly default?: Buffer;
}

export interface CStringField<N extends string = string> extends Named<N> {
  readonly kind: 'cstring';
  /** Octets at most, the terminating NUL included (SMPP 3.4 §3.1 "C-Octet String"). */
  readonly max: number;
  readonly default?: string;
}

export type Field =
  | UintField
  | U64Field
  | OctetsField
  | BytesField
  | LengthField
  | VarBytesField
  | ListField
  | RestField
  | CStringField
  | TlvsField;

/** The value type a field carries. */
export type ValueOf<F> = F extends UintField
  ? number
  : F extends U64Field
    ? bigint
    : F extends OctetsField | CStringField
      ? string
      : F extends BytesField | VarBytesField | RestField
        ? Buffer
        : F extends ListField<string, infer I>
          ? readonly ValueOf<I>[]
          : F extends TlvsField<string, infer D>
            ? Simplify<TlvsValue<D>>
            : never;

/** Flattens an intersection so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * Optional in a value: the encoder fills in a default, or the field may be absent from the wire. A
 * field of the generic `Field` type (name `string`) counts as required, so that the untyped engine
 * boundary (`PduOf<ProtocolSpec>`) keeps one index signature.
 */
type HasDefault<F> = F extends { readonly name: infer N }
  ? string extends N
    ? false
    : F extends { readonly default: unknown }
      ? true
      : F extends { readonly absent: true }
        ? true
        : false
  : false;

/**
 * The value of a table: every field but the computed `length` fields; fields with a default are
 * optional (the encoder fills them in, the decoder always sets them), and so are `mayBeAbsent`
 * fields (the decoder leaves them out when the PDU ends before them).
 */
export type StructValue<Fs extends readonly Field[]> = Simplify<
  {
    [
      F in Fs[number] as F extends LengthField ? never : HasDefault<F> extends true ? never : F['name']
    ]: ValueOf<F>;
  } & {
    [
      F in Fs[number] as F extends LengthField ? never : HasDefault<F> extends true ? F['name'] : never
    ]?: ValueOf<F>;
  }
>;

const uint = <N extends string>(name: N, width: UintWidth, spec?: string): UintField<N> => ({
  kind: 'uint',
  name,
  width,
  spec: spec ?? name,
});

export const u8 = <N extends string>(name: N, spec?: string): UintField<N> => uint(name, 1, spec);
export const u16 = <N extends string>(name: N, spec?: string): UintField<N> => uint(name, 2, spec);
export const u32 = <N extends string>(name: N, spec?: string): UintField<N> => uint(name, 4, spec);

export const u64 = <N extends string>(name: N, spec?: string): U64Field<N> => ({
  kind: 'u64',
  name,
  spec: spec ?? name,
});

/** Fixed-width text: NUL-padded on the right; decoding stops at the first NUL and trims trailing spaces. */
export const octets = <N extends string>(name: N, size: number, spec?: string): OctetsField<N> => ({
  kind: 'octets',
  name,
  size,
  spec: spec ?? name,
});

/** Fixed-width raw octets (a digest, a reserved block). */
export const bytes = <N extends string>(name: N, size: number, spec?: string): BytesField<N> => ({
  kind: 'bytes',
  name,
  size,
  spec: spec ?? name,
});

/** A length or count the encoder computes from the `varBytes` or `list` field that names it. */
export const lengthOf = <N extends string>(name: N, width: UintWidth, spec?: string): LengthField<N> => ({
  kind: 'length',
  name,
  width,
  spec: spec ?? name,
});

/** Octets counted by the preceding `lengthField`; `max` bounds what a decoder accepts. */
export const bytesWithLength = <N extends string>(
  name: N,
  lengthField: string,
  options: { spec?: string; max?: number } = {},
): VarBytesField<N> => ({
  kind: 'varBytes',
  name,
  lengthField,
  max: options.max ?? null,
  spec: options.spec ?? name,
});

/** Items counted by the preceding `countField`; `max` bounds what a decoder accepts. */
export const list = <N extends string, I extends ItemField>(
  name: N,
  countField: string,
  item: I,
  options: { spec?: string; max?: number } = {},
): ListField<N, I> => ({
  kind: 'list',
  name,
  countField,
  item,
  max: options.max ?? null,
  spec: options.spec ?? name,
});

/** Everything to the end of the PDU; must be the last field. */
export const rest = <N extends string>(name: N, spec?: string): RestField<N> => ({
  kind: 'rest',
  name,
  spec: spec ?? name,
});

/**
 * SMPP C-Octet String (SMPP 3.4 §3.1): the text, then NUL; `max` counts the NUL, so `cstring('x', 16)`
 * holds at most 15 characters. Decoding without a NUL within `max` octets is a typed error.
 */
export const cstring = <N extends string>(name: N, max: number, spec?: string): CStringField<N> => ({
  kind: 'cstring',
  name,
  max,
  spec: spec ?? name,
});

/**
 * A trailing field a peer may omit (SMPP 3.4 §4.4.2 submit_sm_resp message_id, docs/protocols.md §4.4; a
 * bind_*_resp with an error status and no body, §4.3). It decodes as missing when the PDU ends where
 * it would start; encoding a missing one writes nothing, and then every later field must be missing
 * too (or an empty TLV section), or the bytes would be read back as this field.
 */
export function mayBeAbsent<F extends Exclude<Field, LengthField | TlvsField>>(
  field: F,
): F & { readonly absent: true } {
  return { ...field, absent: true };
}

/** Whether a field is marked `mayBeAbsent`. */
export const isAbsentable = (field: Field): boolean => 'absent' in field && field.absent === true;

/**
 * The same field, optional in the value: the encoder writes `value` when it is missing. Used for
 * reserved blocks and for fields one protocol version has and the other lacks.
 */
export function withDefault<F extends Exclude<Field, LengthField>, V extends ValueOf<F>>(
  field: F,
  value: V,
): F & { readonly default: V } {
  return { ...field, default: value };
}

/** Octets a fixed-width field takes; null for variable-width kinds. */
export function fixedSize(field: Field): number | null {
  switch (field.kind) {
    case 'uint':
    case 'length':
      return field.width;
    case 'u64':
      return 8;
    case 'octets':
    case 'bytes':
      return field.size;
    case 'varBytes':
    case 'list':
    case 'rest':
    case 'cstring':
    case 'tlvs':
      return null;
  }
}
