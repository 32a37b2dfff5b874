/** fast-check arbitraries built from a field table, so every table gets property tests for free. */
import fc from 'fast-check';
import type { Field, ItemField } from '../../../src/protocols/codec/fields.js';
import type { Protocol, ProtocolSpec } from '../../../src/protocols/codec/protocol.js';

/** Octet-String text that survives a round trip: no NUL, no trailing space, single-byte. */
export const octetText = (max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: max })
    .chain((s) =>
      s.length < max
        ? fc.constantFrom(s, s.length > 0 ? `${s.slice(0, -1)} ${s.slice(-1)}` : s)
        : fc.constant(s),
    );

function itemArbitrary(field: ItemField): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'uint':
      return fc.integer({ min: 0, max: 2 ** (8 * field.width) - 1 });
    case 'u64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'octets':
      return octetText(field.size);
    case 'bytes':
      return fc.uint8Array({ minLength: field.size, maxLength: field.size }).map((b) => Buffer.from(b));
  }
}

export function fieldsArbitrary(fields: readonly Field[]): fc.Arbitrary<Record<string, unknown>> {
  const widths = new Map(fields.flatMap((f) => (f.kind === 'length' ? [[f.name, f.width] as const] : [])));
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    switch (f.kind) {
      case 'length':
        break;
      case 'varBytes': {
        const cap = Math.min(f.max ?? Infinity, 2 ** (8 * (widths.get(f.lengthField) ?? 1)) - 1, 300);
        shape[f.name] = fc.uint8Array({ maxLength: cap }).map((b) => Buffer.from(b));
        break;
      }
      case 'list':
        shape[f.name] = fc.array(itemArbitrary(f.item), { maxLength: Math.min(f.max ?? 10, 10) });
        break;
      case 'rest':
        shape[f.name] = fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b));
        break;
      case 'uint':
      case 'u64':
      case 'octets':
      case 'bytes':
        shape[f.name] = itemArbitrary(f);
    }
  }
  // A plain object (fc.record's have a null prototype, which deepStrictEqual tells apart).
  return fc.record(shape).map((r) => ({ ...r }));
}

/** Any PDU of the protocol, every field of its version present. */
export function pduArbitrary(protocol: Protocol<ProtocolSpec>): fc.Arbitrary<Record<string, unknown>> {
  const commands = Object.entries(protocol.spec.commands).map(([name, spec]) =>
    fc
      .tuple(fieldsArbitrary(protocol.spec.header), fieldsArbitrary(spec.body))
      .map(([header, body]) => ({ command: name, ...header, ...body })),
  );
  return fc.oneof(...commands);
}
