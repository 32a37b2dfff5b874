/**
 * Cuts a TCP byte stream into frames of a protocol whose PDUs start with a 4-octet big-endian total
 * length (CMPP, SGIP, SMGP, SMPP). A total below the header size or above the protocol's maximum is
 * rejected as soon as its 4 octets are in, before any frame buffer is allocated (docs/protocols.md §0). After
 * an error the stream has lost its framing: the framer keeps answering that error and buffers
 * nothing more, and the caller must drop the connection.
 */
import { decodeError, type DecodeError } from './result.js';

export type FramerResult =
  | { readonly ok: true; readonly frames: Buffer[] }
  /** `frames` holds the complete frames that preceded the error, in order. */
  | { readonly ok: false; readonly frames: Buffer[]; readonly error: DecodeError };

export interface Framer {
  /** Adds received bytes; answers the frames they complete. */
  push(chunk: Buffer): FramerResult;
  /** Octets held while waiting for the rest of a frame. */
  readonly buffered: number;
}

export interface FramerOptions {
  /** Name of the length field for error messages (CMPP `Total_Length`). */
  lengthSpec: string;
  headerSize: number;
  maxLength: number;
}

export function createLengthFramer(options: FramerOptions): Framer {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let broken: DecodeError | null = null;

  /** Copies `n` octets off the front of the queue into one Buffer (a view when one chunk holds them). */
  function take(n: number): Buffer {
    const first = chunks[0];
    if (first && first.length >= n) {
      const frame = first.subarray(0, n);
      if (first.length === n) chunks.shift();
      else chunks[0] = first.subarray(n);
      buffered -= n;
      return frame;
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = chunks[0];
      if (!c) break;
      const used = Math.min(c.length, n - at);
      c.copy(out, at, 0, used);
      at += used;
      if (used === c.length) chunks.shift();
      else chunks[0] = c.subarray(used);
    }
    buffered -= n;
    return out;
  }

  /** The first four octets as a uint32, read across chunk boundaries without consuming them. */
  function peekLength(): number {
    let value = 0;
    let got = 0;
    for (const c of chunks) {
      for (let i = 0; i < c.length && got < 4; i++, got++) value = value * 256 + (c[i] ?? 0);
      if (got === 4) break;
    }
    return value;
  }

  function fail(frames: Buffer[], error: DecodeError): FramerResult {
    broken = error;
    chunks.length = 0;
    buffered = 0;
    return { ok: false, frames, error };
  }

  return {
    get buffered() {
      return buffered;
    },
    push(chunk: Buffer): FramerResult {
      if (broken) return { ok: false, frames: [], error: broken };
      if (chunk.length > 0) {
        chunks.push(chunk);
        buffered += chunk.length;
      }
      const frames: Buffer[] = [];
      while (buffered >= 4) {
        const total = peekLength();
        if (total < options.headerSize) {
          return fail(
            frames,
            decodeError(
              'TOO_SHORT',
              `${options.lengthSpec} ${total} is below the ${options.headerSize}-octet header`,
              options.lengthSpec,
            ),
          );
        }
        if (total > options.maxLength) {
          return fail(
            frames,
            decodeError(
              'TOO_LONG',
              `${options.lengthSpec} ${total} exceeds ${options.maxLength}`,
              options.lengthSpec,
            ),
          );
        }
        if (buffered < total) break;
        frames.push(take(total));
      }
      return { ok: true, frames };
    },
  };
}
