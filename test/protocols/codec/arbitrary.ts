/** fast-check arbitraries built from a field table, so every table gets property tests for free. */
import fc from 'fast-check';
import {
  isAbsentable,
  type Field,
  type ItemField,
  type TlvsField,
} from '../../../src/protocols/codec/fields.js';
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

/** C-Octet String text that survives a round trip: single-byte, no NUL, room left for the NUL. */
export const cText = (max: number): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)),
    maxLength: max - 1,
  });

/** A TLV section's value: any subset of its known parameters, and sometimes unknown tags. */
export function tlvsArbitrary(section: TlvsField): fc.Arbitrary<Record<string, unknown>> {
  const known = new Set(section.defs.map((d) => d.tag));
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const def of section.defs) {
    switch (def.kind) {
      case 'u8':
        shape[def.name] = fc.integer({ min: 0, max: 0xff });
        break;
      case 'u16':
        shape[def.name] = fc.integer({ min: 0, max: 0xffff });
        break;
      case 'u32':
        shape[def.name] = fc.integer({ min: 0, max: 0xffffffff });
        break;
      case 'cstring':
        shape[def.name] = cText(40);
        break;
      case 'text':
        shape[def.name] = octetText(40);
        break;
      case 'octets':
        shape[def.name] = fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b));
        break;
    }
  }
  const maxTag = 2 ** (8 * section.tagWidth) - 1;
  const unknown = fc.array(
    fc
      .record({
        tag: fc.integer({ min: 0, max: maxTag }).filter((t) => !known.has(t)),
        value: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
      })
      .map((u) => ({ ...u })),
    { minLength: 1, maxLength: 3 },
  );
  return fc
    .record({ ...shape, unknown }, { requiredKeys: [] })
    .map((r) => ({ ...(r as Record<string, unknown>) }));
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
      case 'cstring':
        shape[f.name] = cText(f.max);
        break;
      case 'tlvs':
        shape[f.name] = tlvsArbitrary(f);
        break;
      case 'uint':
      case 'u64':
      case 'octets':
      case 'bytes':
        shape[f.name] = itemArbitrary(f);
    }
  }
  const absentable = fields.filter(isAbsentable).map((f) => f.name);
  // A plain object (fc.record's have a null prototype, which deepStrictEqual tells apart).
  return fc.tuple(fc.record(shape), fc.integer({ min: 0, max: absentable.length })).map(([r, kept]) => {
    // The wire cannot carry a field after an absent one: drop a tail of them, and empty the TLVs.
    if (kept === absentable.length) return { ...r };
    const dropped = new Set(absentable.slice(kept));
    const value = Object.fromEntries(Object.entries(r).filter(([name]) => !dropped.has(name)));
    for (const f of fields) if (f.kind === 'tlvs') value[f.name] = {};
    return value;
  });
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
