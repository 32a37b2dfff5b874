/** Properties of the SMPP codec over every command of the table (arbitraries derived from it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createSmppFramer,
  decodeSmpp,
  encodeSmpp,
  SMPP34,
  SMPP_COMMAND_IDS,
  type SmppPdu,
} from '../../../src/protocols/smpp/index.js';
import { decodeSmppHex } from '../../../src/protocols/smpp/describe-pdu.js';
import { pduArbitrary } from '../codec/arbitrary.js';

const arbPdu = pduArbitrary(SMPP34).map((p) => p as SmppPdu);

test('property: decode(encode(x)) = x for every command', () => {
  fc.assert(
    fc.property(arbPdu, (pdu) => {
      assert.deepEqual(decodeSmpp(encodeSmpp(pdu)), { ok: true, value: pdu });
    }),
    { numRuns: 1000 },
  );
});

test('property: every truncation and every lie about command_length is a typed error, never a throw', () => {
  fc.assert(
    fc.property(
      arbPdu,
      fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
      (pdu, delta) => {
        const frame = encodeSmpp(pdu);
        for (let n = 0; n < frame.length; n++) assert.equal(decodeSmpp(frame.subarray(0, n)).ok, false);
        const lying = Buffer.from(frame);
        lying.writeUInt32BE(Math.max(0, frame.length + delta), 0);
        const r = decodeSmpp(lying);
        assert.equal(!r.ok && r.error.code, 'LENGTH_MISMATCH');
      },
    ),
    { numRuns: 200 },
  );
});

test('property: random bytes never throw, behind a plausible header too', () => {
  const ids = Object.values(SMPP_COMMAND_IDS);
  const plausible = fc.tuple(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 400 })).map(([id, body]) => {
    const b = Buffer.alloc(16 + body.length);
    b.writeUInt32BE(b.length, 0);
    b.writeUInt32BE(id, 4);
    Buffer.from(body).copy(b, 16);
    return b;
  });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        plausible,
      ),
      (bytes) => {
        assert.equal(typeof decodeSmpp(bytes).ok, 'boolean');
        assert.equal(typeof createSmppFramer().push(bytes).ok, 'boolean');
        assert.equal(typeof decodeSmppHex(bytes).ok, 'boolean');
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: any chunking of a stream frames and decodes the same PDUs', () => {
  fc.assert(
    fc.property(
      fc.array(arbPdu, { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1 }),
      (pdus, cuts) => {
        const stream = Buffer.concat(pdus.map((p) => encodeSmpp(p)));
        const framer = createSmppFramer();
        const out: SmppPdu[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length] ?? 1;
          const r = framer.push(stream.subarray(at, at + size));
          assert.ok(r.ok);
          for (const f of r.frames) {
            const d = decodeSmpp(f);
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

test('property: pdu decode describes every PDU the codec writes', () => {
  fc.assert(
    fc.property(arbPdu, (pdu) => {
      const r = decodeSmppHex(encodeSmpp(pdu));
      assert.ok(r.ok);
      assert.equal((r.json as { command: string }).command, pdu.command);
    }),
    { numRuns: 300 },
  );
});
