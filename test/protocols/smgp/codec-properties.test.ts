/**
 * Properties of the SMGP codec over every command of both layouts: decode(encode(x)) = x, truncated
 * and lying frames are typed errors, random bytes never throw, any chunking frames the same PDUs; a
 * truncated last TLV is dropped; the report text round-trips and never throws on junk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createSmgpFramer,
  decodeSmgp,
  encodeSmgp,
  encodeSmgpReport,
  parseSmgpReport,
  SMGP_COMMAND_IDS,
  type SmgpPdu,
  type SmgpReport,
} from '../../../src/protocols/smgp/index.js';
import { SMGP_PROTOCOLS } from '../../../src/protocols/smgp/tables.js';
import { pduArbitrary } from '../codec/arbitrary.js';

for (const layout of ['smgp30', 'smgp13'] as const) {
  const arbPdu = pduArbitrary(SMGP_PROTOCOLS[layout]).map((p) => p as SmgpPdu);

  test(`${layout} property: decode(encode(x)) = x for every command, TLVs included`, () => {
    fc.assert(
      fc.property(arbPdu, (pdu) => {
        assert.deepEqual(decodeSmgp(encodeSmgp(pdu, layout), layout), { ok: true, value: pdu });
      }),
      { numRuns: 500 },
    );
  });

  test(`${layout} property: every truncation and every lie about PacketLength is a typed error`, () => {
    fc.assert(
      fc.property(
        arbPdu,
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        (pdu, delta) => {
          const frame = encodeSmgp(pdu, layout);
          for (let n = 0; n < frame.length; n++)
            assert.equal(decodeSmgp(frame.subarray(0, n), layout).ok, false);
          const lying = Buffer.from(frame);
          lying.writeUInt32BE(Math.max(0, frame.length + delta), 0);
          const r = decodeSmgp(lying, layout);
          assert.equal(!r.ok && r.error.code, 'LENGTH_MISMATCH');
        },
      ),
      { numRuns: 100 },
    );
  });
}

test('property: random bytes never throw, behind a plausible header or not', () => {
  const ids = Object.values(SMGP_COMMAND_IDS);
  const plausible = fc.tuple(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 400 })).map(([id, body]) => {
    const b = Buffer.alloc(12 + body.length);
    b.writeUInt32BE(b.length, 0);
    b.writeUInt32BE(id, 4);
    Buffer.from(body).copy(b, 12);
    return b;
  });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        plausible,
      ),
      (bytes) => {
        for (const layout of ['smgp30', 'smgp13'] as const)
          assert.equal(typeof decodeSmgp(bytes, layout).ok, 'boolean');
        assert.equal(typeof createSmgpFramer().push(bytes).ok, 'boolean');
      },
    ),
    { numRuns: 1000 },
  );
});

test('property: any chunking of a stream frames and decodes the same PDUs', () => {
  fc.assert(
    fc.property(
      fc.array(pduArbitrary(SMGP_PROTOCOLS.smgp30), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1 }),
      (values, cuts) => {
        const pdus = values as SmgpPdu[];
        const stream = Buffer.concat(pdus.map((p) => encodeSmgp(p)));
        const framer = createSmgpFramer();
        const out: SmgpPdu[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length] ?? 1;
          const r = framer.push(stream.subarray(at, at + size));
          assert.ok(r.ok);
          for (const f of r.frames) {
            const d = decodeSmgp(f);
            assert.ok(d.ok);
            out.push(d.value);
          }
          at += size;
        }
        assert.deepEqual(out, pdus);
      },
    ),
    { numRuns: 200 },
  );
});

test('property: a Deliver cut inside its last TLV (PacketLength matching the cut) decodes without it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), (cut) => {
      const pdu: SmgpPdu = {
        command: 'SMGP_DELIVER',
        sequenceId: 1,
        msgId: Buffer.alloc(10),
        isReport: 0,
        msgFormat: 0,
        recvTime: '20240102150501',
        srcTermId: '13300133000',
        destTermId: '10659',
        msgContent: Buffer.from('hi'),
        reserve: '',
        options: { tpUdhi: 0, linkId: 'abcd' }, // LinkID last: 4 + 5 octets
      };
      const frame = encodeSmgp(pdu);
      const short = Buffer.from(frame.subarray(0, frame.length - cut));
      short.writeUInt32BE(short.length, 0);
      assert.deepEqual(decodeSmgp(short), { ok: true, value: { ...pdu, options: { tpUdhi: 0 } } });
    }),
  );
});

/** Report field text that cannot be mistaken for a keyword or padding. */
const token = (chars: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...Array.from(chars)), minLength: min, maxLength: max });
const DIGITS = '0123456789';

test('property: report text round trip; junk never throws', () => {
  const report: fc.Arbitrary<SmgpReport> = fc
    .record({
      id: fc.uint8Array({ minLength: 10, maxLength: 10 }).map((b) => Buffer.from(b)),
      sub: token(DIGITS, 0, 3),
      dlvrd: token(DIGITS, 0, 3),
      submitDate: fc.oneof(fc.constant(''), token(DIGITS, 10, 10)),
      doneDate: fc.oneof(fc.constant(''), token(DIGITS, 10, 10)),
      stat: token('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:', 1, 7).filter(
        (s) => !/(sub|stat|err|te?xt):/i.test(s),
      ),
      err: token(DIGITS, 0, 3),
      txt: fc
        .uint8Array({ maxLength: 20 })
        .map((b) => Buffer.from(b))
        .filter((b) => b.length === 0 || b[b.length - 1] !== 0),
    })
    // A plain object: fc.record's have a null prototype, which deepStrictEqual tells apart.
    .map((r) => ({ ...r }));
  fc.assert(
    fc.property(report, (r) => {
      assert.deepEqual(parseSmgpReport(encodeSmgpReport(r)), { ok: true, value: r });
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withId) => {
      const content = Buffer.concat([withId ? Buffer.from('id:') : Buffer.alloc(0), Buffer.from(bytes)]);
      assert.equal(typeof parseSmgpReport(content).ok, 'boolean');
    }),
    { numRuns: 1000 },
  );
});
