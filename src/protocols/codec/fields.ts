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
 * A TLV section (SMGP, SMPP) is meant to be one more kind with its own tag table.
 *
 * `spec` is the field's name as the specification spells it (`Msg_Id`), for `pdu decode` output.
 */

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

export type Field =
  UintField | U64Field | OctetsField | BytesField | LengthField | VarBytesField | ListField | RestField;

/** The value type a field carries. */
export type ValueOf<F> = F extends UintField
  ? number
  : F extends U64Field
    ? bigint
    : F extends OctetsField
      ? string
      : F extends BytesField | VarBytesField | RestField
        ? Buffer
        : F extends ListField<string, infer I>
          ? readonly ValueOf<I>[]
          : never;

/** Flattens an intersection so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

type HasDefault<F> = F extends { readonly default: unknown } ? true : false;

/**
 * The value of a table: every field but the computed `length` fields; fields with a default are
 * optional (the encoder fills them in, the decoder always sets them).
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
      return null;
  }
}
