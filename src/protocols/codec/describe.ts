/**
 * A decoded PDU as plain JSON with the specification's field names, in wire order, computed
 * lengths and counts included — what an operator compares with the spec (`sms12333 pdu decode`).
 * bigint becomes a decimal string, a Buffer lowercase hex; a protocol may render chosen fields its
 * own way (message content by its coding, a report inside a DELIVER).
 */
import type { Field } from './fields.js';
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
    out[f.spec] = renderers[f.name]?.(value, values) ?? plainJson(value);
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
