import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadVectors } from '../helpers/vectors.js';
import fc from 'fast-check';
import { concatUdh, decodeText, parseUdh, splitUserData } from '../../src/domain/text/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

interface UdhVector {
  name: string;
  hex: string;
  kind: 'udh' | 'cmpp2_packet';
  decoded: {
    udhl?: number;
    ies?: { iei: number; length: number; data_hex: string; ref: number; total: number; seq: number }[];
    payload_hex?: string;
    udh?: { ies: { iei: number; data_hex: string; ref: number; total: number; seq: number }[] };
    udh_hex?: string;
    msg_fmt?: number;
    msg_length?: number;
    text?: string;
  };
}
const vectors = loadVectors<UdhVector>('udh');

test('concatUdh writes 05 00 03 ref total seq', () => {
  assert.equal(hex(concatUdh(3, 2, 1)), '050003030201');
  assert.equal(hex(concatUdh(0, 1, 1)), '050003000101');
  assert.equal(hex(concatUdh(255, 255, 255)), '050003ffffff');
});

test('concatUdh refuses values a UDH cannot carry', () => {
  for (const [ref, total, part] of [
    [256, 2, 1],
    [-1, 2, 1],
    [1.5, 2, 1],
    [1, 0, 0],
    [1, 256, 1],
    [1, 2, 0],
    [1, 2, 3],
  ] as const) {
    assert.throws(() => concatUdh(ref, total, part), RangeError, `${ref} ${total} ${part}`);
  }
});

test('parseUdh reads the 8-bit and the 16-bit (big-endian) concatenation elements', () => {
  assert.deepEqual(parseUdh(bytes('050003030201')), {
    ok: true,
    headerLength: 6,
    elements: [{ iei: 0, data: bytes('030201') }],
    concat: { reference: 3, total: 2, partNo: 1 },
  });
  const wide = parseUdh(bytes('0608041234030261'));
  assert.ok(wide.ok);
  assert.equal(wide.headerLength, 7);
  assert.deepEqual(wide.concat, { reference: 0x1234, total: 3, partNo: 2 });
});

test('parseUdh lists other elements and skips over them', () => {
  // 16-bit application port (IEI 0x05), then concatenation (TS 23.040 §9.2.3.24.4).
  const parsed = parseUdh(bytes('0b05040b8423f00003420302'));
  assert.ok(parsed.ok);
  assert.equal(parsed.headerLength, 12);
  assert.deepEqual(
    parsed.elements.map((e) => [e.iei, hex(e.data)]),
    [
      [5, '0b8423f0'],
      [0, '420302'],
    ],
  );
  assert.deepEqual(parsed.concat, { reference: 0x42, total: 3, partNo: 2 });
  // National language single shift (IEI 0x24) only: no concatenation.
  assert.deepEqual(parseUdh(bytes('03240101')), {
    ok: true,
    headerLength: 4,
    elements: [{ iei: 0x24, data: bytes('01') }],
    concat: null,
  });
  // An empty header is allowed.
  assert.deepEqual(parseUdh(bytes('00ff')), { ok: true, headerLength: 1, elements: [], concat: null });
});

test('parseUdh ignores a concatenation element with impossible values (TS 23.040 §9.2.3.24.1)', () => {
  for (const udh of ['050003010000', '050003010300', '050003010203', '0400020102', '050803010203']) {
    const parsed = parseUdh(bytes(udh));
    assert.ok(parsed.ok, udh);
    assert.equal(parsed.concat, null, udh);
  }
  // The last occurrence of a repeated element is the one used (§9.2.3.24).
  const twice = parseUdh(bytes('0a000301020100030703021122'));
  assert.ok(twice.ok);
  assert.deepEqual(twice.concat, { reference: 7, total: 3, partNo: 2 });
});

test('parseUdh reports truncation instead of throwing', () => {
  for (const udh of ['', '05', '0500030102', '0300050102', '01ff', '020005']) {
    const parsed = parseUdh(bytes(udh));
    assert.equal(parsed.ok, false, udh);
    assert.ok(parsed.reason.length > 0);
  }
});

test('splitUserData separates header and text, and copies', () => {
  const content = bytes('0500034203013132');
  assert.deepEqual(splitUserData(content, true), {
    ok: true,
    udh: bytes('050003420301'),
    concat: { reference: 0x42, total: 3, partNo: 1 },
    payload: bytes('3132'),
  });
  const plain = splitUserData(content, false);
  assert.ok(plain.ok);
  assert.equal(plain.udh, null);
  assert.equal(plain.concat, null);
  assert.deepEqual(plain.payload, content);
  plain.payload[0] = 0;
  assert.equal(content[0], 5);
  assert.equal(splitUserData(bytes('09'), true).ok, false);
});

test('golden: vectors/udh.json', () => {
  for (const v of vectors) {
    const raw = bytes(v.hex);
    if (v.kind === 'udh') {
      const parsed = parseUdh(raw);
      assert.ok(parsed.ok, v.name);
      assert.equal(parsed.headerLength, (v.decoded.udhl ?? -1) + 1, v.name);
      const ies = v.decoded.ies ?? [];
      assert.deepEqual(
        parsed.elements.map((e) => [e.iei, hex(e.data)]),
        ies.map((ie) => [ie.iei, ie.data_hex]),
        v.name,
      );
      const ie = ies[0]!;
      assert.deepEqual(parsed.concat, { reference: ie.ref, total: ie.total, partNo: ie.seq }, v.name);
      assert.equal(hex(concatUdh(ie.ref, ie.total, ie.seq)), v.hex.slice(0, 12), v.name);
      if (v.decoded.payload_hex !== undefined) {
        const split = splitUserData(raw, true);
        assert.ok(split.ok);
        assert.equal(hex(split.payload), v.decoded.payload_hex, v.name);
      }
      continue;
    }
    // CMPP 2.0 SUBMIT: Msg_Length, Msg_Content, then 8 octets of Reserve end the packet (CMPP 2.0 §7.4.3).
    const length = v.decoded.msg_length ?? 0;
    const start = raw.length - 8 - length;
    assert.equal(raw[start - 1], length, `${v.name}: Msg_Length octet`);
    const split = splitUserData(raw.subarray(start, start + length), true);
    assert.ok(split.ok, v.name);
    assert.equal(hex(split.udh ?? new Uint8Array()), v.decoded.udh_hex, v.name);
    const ie = v.decoded.udh?.ies[0];
    assert.deepEqual(split.concat, { reference: ie?.ref, total: ie?.total, partNo: ie?.seq }, v.name);
    const coding = v.decoded.msg_fmt === 8 ? 'ucs2' : 'ascii';
    assert.equal(decodeText(split.payload, coding), v.decoded.text, v.name);
  }
});

test('property: parseUdh(concatUdh(ref, total, partNo)) round-trips', () => {
  const args = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 255 }))
    .chain(([ref, total]) =>
      fc.tuple(fc.constant(ref), fc.constant(total), fc.integer({ min: 1, max: total })),
    );
  fc.assert(
    fc.property(args, fc.uint8Array({ maxLength: 140 }), ([reference, total, partNo], payload) => {
      const udh = concatUdh(reference, total, partNo);
      assert.deepEqual(parseUdh(udh), {
        ok: true,
        headerLength: 6,
        elements: [{ iei: 0, data: Uint8Array.of(reference, total, partNo) }],
        concat: { reference, total, partNo },
      });
      const split = splitUserData(new Uint8Array([...udh, ...payload]), true);
      assert.deepEqual(split, { ok: true, udh, concat: { reference, total, partNo }, payload });
    }),
  );
});

test('property: parseUdh and splitUserData never throw on random bytes', () => {
  const anyUdh = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    // Mostly well-framed headers, to reach the element loop.
    fc
      .array(fc.tuple(fc.constantFrom(0, 8, 5, 0x24, 0x70), fc.uint8Array({ maxLength: 6 })), {
        maxLength: 5,
      })
      .map((ies) => {
        const body = ies.flatMap(([iei, data]) => [iei, data.length, ...data]);
        return Uint8Array.from([body.length, ...body, 0x41]);
      }),
  );
  fc.assert(
    fc.property(anyUdh, fc.boolean(), (raw, udhi) => {
      const parsed = parseUdh(raw);
      if (parsed.ok) {
        assert.ok(parsed.headerLength >= 1 && parsed.headerLength <= raw.length);
        const framed = parsed.elements.reduce((sum, e) => sum + 2 + e.data.length, 1);
        assert.equal(framed, parsed.headerLength);
        if (parsed.concat) {
          assert.ok(parsed.concat.partNo >= 1 && parsed.concat.partNo <= parsed.concat.total);
        }
      } else {
        assert.equal(typeof parsed.reason, 'string');
      }
      const split = splitUserData(raw, udhi);
      if (split.ok) assert.deepEqual([...(split.udh ?? []), ...split.payload], [...raw]);
    }),
    { numRuns: 500 },
  );
});
