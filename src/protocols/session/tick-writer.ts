import type { Socket } from 'node:net';

/** A carrier link's `dropAfterStallMs`: no turn of a running event loop takes this long. */
export const STALL_DROP_MS = 1000;

export interface TickWriterOptions {
  /**
   * A platform's link to a carrier: when the process was frozen between its writes and their flush
   * for longer than this (SIGSTOP, a paused VM), the link is dropped and the writes with it rather
   * than flushed. They were decided before the freeze, when their leases were good; after it, a
   * peer may have taken the messages over (docs/multinode.md "Writing in time"). The requests
   * left unanswered are retried under lease fencing. Unset: always flush (simulators).
   */
  dropAfterStallMs?: number;
  /** A monotonic clock in milliseconds. */
  now?: () => number;
}

/**
 * Writes made in one turn of the event loop leave together: the socket is corked on the first
 * write and uncorked on the next tick, so a window of PDUs costs one syscall instead of one each.
 */
export function createTickWriter(socket: Socket, options: TickWriterOptions = {}): (frame: Buffer) => void {
  const { dropAfterStallMs = Number.POSITIVE_INFINITY, now = () => performance.now() } = options;
  let corkedAt: number | null = null;
  return (frame) => {
    if (socket.destroyed) return;
    if (corkedAt === null) {
      corkedAt = now();
      socket.cork();
      process.nextTick(() => {
        const held = now() - (corkedAt ?? 0);
        corkedAt = null;
        if (held > dropAfterStallMs)
          socket.destroy(
            new Error(`进程停顿 ${Math.round(held)} ms，未写出的请求作废 process stalled before the flush`),
          );
        else socket.uncork();
      });
    }
    socket.write(frame);
  };
}
