import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLengthFramer } from '../../../src/protocols/codec/framer.js';

const options = { lengthSpec: 'Total_Length', headerSize: 12, maxLength: 4096 };

function frame(body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(12 + body.length, 0);
  head.writeUInt32BE(8, 4);
  return Buffer.concat([head, body]);
}

test('a frame split anywhere comes out whole, and back-to-back frames separately', () => {
  const a = frame(Buffer.from('hello'));
  const b = frame(Buffer.alloc(0));
  const framer = createLengthFramer(options);
  const stream = Buffer.concat([a, b]);
  const out: Buffer[] = [];
  for (const byte of stream) {
    const r = framer.push(Buffer.of(byte));
    assert.ok(r.ok);
    out.push(...r.frames);
  }
  assert.deepEqual(out, [a, b]);
  assert.equal(framer.buffered, 0);
});

test('a total below the header is rejected as TOO_SHORT once its 4 octets are in', () => {
  const framer = createLengthFramer(options);
  assert.deepEqual(framer.push(Buffer.from('0000', 'hex')), { ok: true, frames: [] });
  const r = framer.push(Buffer.from('000b', 'hex'));
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'TOO_SHORT');
});

test('a total above the maximum is rejected before the frame arrives', () => {
  const framer = createLengthFramer(options);
  const r = framer.push(Buffer.from('ffffffff', 'hex'));
  assert.equal(!r.ok && r.error.code, 'TOO_LONG');
  assert.equal(framer.buffered, 0, 'nothing is kept for a frame that will never be accepted');
});

test('frames before a bad length are still delivered; after it the framer only repeats the error', () => {
  const good = frame(Buffer.from('x'));
  const framer = createLengthFramer(options);
  const r = framer.push(Buffer.concat([good, Buffer.from('00000001', 'hex')]));
  assert.equal(r.ok, false);
  assert.deepEqual(r.frames, [good]);
  const again = framer.push(good);
  assert.equal(again.ok, false);
  assert.deepEqual(again.frames, []);
  assert.equal(framer.buffered, 0);
});

test('property: any chunking of a stream frames the same PDUs', () => {
  const arbFrames = fc.array(
    fc.uint8Array({ maxLength: 200 }).map((b) => frame(Buffer.from(b))),
    { minLength: 1, maxLength: 8 },
  );
  fc.assert(
    fc.property(
      arbFrames,
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
      (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const framer = createLengthFramer(options);
        const out: Buffer[] = [];
        let at = 0;
        let i = 0;
        while (at < stream.length) {
          const size = cuts[i++ % cuts.length] ?? 1;
          const r = framer.push(stream.subarray(at, at + size));
          assert.ok(r.ok);
          out.push(...r.frames);
          at += size;
        }
        assert.deepEqual(out, frames);
      },
    ),
  );
});

test('property: random bytes never throw, and an error is terminal', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 10 }), (chunks) => {
      const framer = createLengthFramer(options);
      let failed = false;
      for (const c of chunks) {
        const r = framer.push(Buffer.from(c));
        if (failed) assert.equal(r.ok, false);
        if (!r.ok) failed = true;
        for (const f of r.frames) {
          assert.ok(f.length >= 12 && f.length <= 4096);
          assert.equal(f.readUInt32BE(0), f.length);
        }
      }
    }),
  );
});
