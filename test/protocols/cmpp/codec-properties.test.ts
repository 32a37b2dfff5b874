import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createCmppFramer,
  decodeCmpp,
  decodeCmppReport,
  encodeCmpp,
  encodeCmppReport,
  type CmppPdu,
  type CmppReport,
} from '../../../src/protocols/cmpp/index.js';
import { CMPP_PROTOCOLS, CMPP_COMMAND_IDS } from '../../../src/protocols/cmpp/tables.js';
import { CMPP_REPORT_TABLES } from '../../../src/protocols/cmpp/report.js';
import { fieldsArbitrary, pduArbitrary } from '../codec/arbitrary.js';

for (const version of ['cmpp2', 'cmpp3'] as const) {
  const arbPdu = pduArbitrary(CMPP_PROTOCOLS[version]).map((p) => p as CmppPdu);

  test(`${version} property: decode(encode(x)) = x for every command`, () => {
    fc.assert(
      fc.property(arbPdu, (pdu) => {
        assert.deepEqual(decodeCmpp(version, encodeCmpp(version, pdu)), { ok: true, value: pdu });
      }),
      { numRuns: 500 },
    );
  });

  test(`${version} property: every truncation and every lie about Total_Length is a typed error`, () => {
    fc.assert(
      fc.property(
        arbPdu,
        fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0),
        (pdu, delta) => {
          const frame = encodeCmpp(version, pdu);
          for (let n = 0; n < frame.length; n++) {
            const r = decodeCmpp(version, frame.subarray(0, n));
            assert.equal(r.ok, false);
          }
          const lying = Buffer.from(frame);
          lying.writeUInt32BE(Math.max(0, frame.length + delta), 0);
          const r = decodeCmpp(version, lying);
          assert.equal(!r.ok && r.error.code, 'LENGTH_MISMATCH');
        },
      ),
      { numRuns: 100 },
    );
  });

  test(`${version} property: random bytes never throw`, () => {
    const ids = Object.values(CMPP_COMMAND_IDS);
    // Random bodies behind a plausible header reach the body decoders, not just the header checks.
    const plausible = fc
      .tuple(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 400 }))
      .map(([id, body]) => {
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
          const r = decodeCmpp(version, bytes);
          assert.equal(typeof r.ok, 'boolean');
          const framer = createCmppFramer(version);
          assert.equal(typeof framer.push(bytes).ok, 'boolean');
        },
      ),
      { numRuns: 1000 },
    );
  });

  test(`${version} property: any chunking of a stream frames and decodes the same PDUs`, () => {
    fc.assert(
      fc.property(
        fc.array(arbPdu, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1 }),
        (pdus, cuts) => {
          const stream = Buffer.concat(pdus.map((p) => encodeCmpp(version, p)));
          const framer = createCmppFramer(version);
          const out: CmppPdu[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length] ?? 1;
            const r = framer.push(stream.subarray(at, at + size));
            assert.ok(r.ok);
            for (const f of r.frames) {
              const d = decodeCmpp(version, f);
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

  test(`${version} property: report body round trip`, () => {
    fc.assert(
      fc.property(fieldsArbitrary(CMPP_REPORT_TABLES[version]), (r) => {
        const report = r as CmppReport;
        assert.deepEqual(decodeCmppReport(encodeCmppReport(version, report)), { ok: true, value: report });
      }),
    );
  });
}
