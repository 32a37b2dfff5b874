/**
 * A decoded PDU as plain JSON with the specification's field names, in wire order, computed
 * lengths and counts included — what an operator compares with the spec (`sms12333 pdu decode`).
 * bigint becomes a decimal string, a Buffer lowercase hex; a protocol may render chosen fields its
 * own way (message content by its coding, a report inside a DELIVER). A TLV section comes out as
 * an object keyed by each parameter's spec name, unknown tags as `{ tag: "0x1454", value: hex }`;
 * a renderer for one parameter is keyed `section.parameter` (`tlvs.messagePayload`). A trailing
 * field the peer left out (`mayBeAbsent`) is left out of the JSON too.
 */
import { isAbsentable, type Field } from './fields.js';
import type { TlvsField } from './tlv.js';
import type { PduOf, Protocol, ProtocolSpec } from './protocol.js';
import { computeLengths, type Values } from './struct.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Renders one field; answer undefined to fall back to the plain rendering. */
export type FieldRenderer = (value: unknown, pdu: Values) => JsonValue | undefined;

export function plainJson(value: unknown): JsonValue {
  if (typeof value === 'bigint') return value.toString(10);
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

const tagText = (tag: number): string => `0x${tag.toString(16).padStart(4, '0')}`;

/** A TLV section as `{ spec_name: value, unknown: [{ tag, value }] }`, in table order. */
function tlvsToJson(
  section: TlvsField,
  value: unknown,
  pdu: Values,
  renderers: Readonly<Record<string, FieldRenderer>>,
): Record<string, JsonValue> {
  const values = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const out: Record<string, JsonValue> = {};
  for (const def of section.defs) {
    const v = values[def.name];
    if (v === undefined) continue;
    out[def.spec] = renderers[`${section.name}.${def.name}`]?.(v, pdu) ?? plainJson(v);
  }
  const unknown = values.unknown;
  if (Array.isArray(unknown) && unknown.length > 0) {
    out.unknown = (unknown as { tag: number; value: Buffer }[]).map((u) => ({
      tag: tagText(u.tag),
      value: plainJson(u.value),
    }));
  }
  return out;
}

/** The fields of one table as `{ Spec_Name: value }`, lengths computed from the values. */
export function fieldsToJson(
  fields: readonly Field[],
  values: Values,
  renderers: Readonly<Record<string, FieldRenderer>> = {},
): Record<string, JsonValue> {
  const lengths = computeLengths(fields, values);
  const out: Record<string, JsonValue> = {};
  for (const f of fields) {
    if (f.kind === 'length') {
      out[f.spec] = lengths.get(f.name) ?? 0;
      continue;
    }
    const value = values[f.name];
    if (value === undefined && isAbsentable(f)) continue;
    const rendered = renderers[f.name]?.(value, values);
    out[f.spec] =
      rendered ?? (f.kind === 'tlvs' ? tlvsToJson(f, value, values, renderers) : plainJson(value));
  }
  return out;
}

export function pduToJson<P extends ProtocolSpec>(
  protocol: Protocol<P>,
  pdu: PduOf<P>,
  totalLength: number,
  renderers: Readonly<Record<string, FieldRenderer>> = {},
): Record<string, JsonValue> {
  const values = pdu as Values;
  const name = String(values.command);
  const command = protocol.spec.commands[name];
  const body = command ? fieldsToJson(command.body, values, renderers) : {};
  const header = fieldsToJson(protocol.spec.header, values, renderers);
  return {
    command: name,
    [protocol.spec.lengthSpec]: totalLength,
    [protocol.spec.commandSpec]: command ? `0x${command.id.toString(16).padStart(8, '0')}` : null,
    ...header,
    ...body,
  };
}
