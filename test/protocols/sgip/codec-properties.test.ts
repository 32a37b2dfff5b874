/**
 * Property tests over the SGIP tables (docs/protocols.md §0; STYLE: decode(encode(x)) = x, random and
 * truncated bytes are typed errors, any chunking of a stream frames the same PDUs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createSgipFramer,
  decodeSgip,
  decodeSgipHex,
  encodeSgip,
  SGIP,
  SGIP_COMMAND_IDS,
  type SgipPdu,
} from '../../../src/protocols/sgip/index.js';
import type { Protocol, ProtocolSpec } from '../../../src/protocols/codec/protocol.js';
import { pduArbitrary } from '../codec/arbitrary.js';

const arbPdu = pduArbitrary(SGIP as Protocol<ProtocolSpec>).map((p) => p as SgipPdu);

test('property: decode(encode(x)) = x for every command', () => {
  fc.assert(
    fc.property(arbPdu, (pdu) => {
      assert.deepEqual(decodeSgip(encodeSgip(pdu)), { ok: true, value: pdu });
    }),
    { numRuns: 500 },
  );
});

test('property: every truncation and every lie about Message Length is a typed error', () => {
  fc.assert(
    fc.property(
      arbPdu,
      fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
      (pdu, delta) => {
        const frame = encodeSgip(pdu);
        for (let n = 0; n < frame.length; n++) {
          const r = decodeSgip(frame.subarray(0, n));
          assert.equal(r.ok, false);
        }
        const lying = Buffer.from(frame);
        lying.writeUInt32BE(Math.max(0, frame.length + delta), 0);
        const r = decodeSgip(lying);
        assert.equal(!r.ok && r.error.code, 'LENGTH_MISMATCH');
      },
    ),
    { numRuns: 100 },
  );
});

test('property: a MessageLength that lies within a consistent Message Length is a typed error', () => {
  const withContent = arbPdu.filter((p) => p.command === 'SGIP_SUBMIT' || p.command === 'SGIP_DELIVER');
  fc.assert(
    fc.property(withContent, fc.integer({ min: 1, max: 5000 }), (pdu, extra) => {
      const frame = encodeSgip(pdu);
      // MessageLength sits 4 + content + 8 octets before the end.
      const content = (pdu as { messageContent: Buffer }).messageContent.length;
      const at = frame.length - 8 - content - 4;
      frame.writeUInt32BE(content + extra, at);
      const r = decodeSgip(frame);
      assert.ok(!r.ok);
      assert.ok(['TRUNCATED', 'LENGTH_MISMATCH'].includes(r.error.code));
    }),
    { numRuns: 200 },
  );
});

test('property: random bytes never throw, in the decoder, the framer or pdu decode', () => {
  const ids = Object.values(SGIP_COMMAND_IDS);
  // Random bodies behind a plausible header reach the body decoders, not just the header checks.
  const plausible = fc.tuple(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 400 })).map(([id, body]) => {
    const b = Buffer.alloc(20 + body.length);
    b.writeUInt32BE(b.length, 0);
    b.writeUInt32BE(id, 4);
    Buffer.from(body).copy(b, 20);
    return b;
  });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
        plausible,
      ),
      (bytes) => {
        const r = decodeSgip(bytes);
        assert.equal(typeof r.ok, 'boolean');
        assert.equal(typeof createSgipFramer().push(bytes).ok, 'boolean');
        assert.equal(typeof decodeSgipHex(bytes).ok, 'boolean');
      },
    ),
    { numRuns: 1000 },
  );
});

test('property: any chunking of a stream frames and decodes the same PDUs', () => {
  fc.assert(
    fc.property(
      fc.array(arbPdu, { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1 }),
      (pdus, cuts) => {
        const stream = Buffer.concat(pdus.map((p) => encodeSgip(p)));
        const framer = createSgipFramer();
        const out: SgipPdu[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length] ?? 1;
          const r = framer.push(stream.subarray(at, at + size));
          assert.ok(r.ok);
          for (const f of r.frames) {
            const d = decodeSgip(f);
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

test('the framer refuses a Message Length below the 20-octet header or above 4096 before buffering', () => {
  const short = Buffer.from('0000000c0000000100000000', 'hex');
  const r1 = createSgipFramer().push(short);
  assert.equal(!r1.ok && r1.error.code, 'TOO_SHORT');
  const r2 = createSgipFramer().push(Buffer.from('00001001', 'hex'));
  assert.equal(!r2.ok && r2.error.code, 'TOO_LONG');
});
