/**
 * One timer for every delayed report (docs/design.md §7: no per-message timers). Entries sit in a binary
 * min-heap ordered by due time, then by insertion, so reports with the same due time leave in the
 * order their segments arrived; the single timer is armed for the earliest entry and, when it
 * fires, everything due is handed over in one batch.
 */

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Entry<T> {
  due: number;
  order: number;
  value: T;
}

export class Scheduler<T> {
  private readonly heap: Entry<T>[] = [];
  private order = 0;
  private timer: unknown = null;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(
    private readonly fire: (due: T[]) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  at(due: number, value: T): void {
    this.push({ due, order: this.order++, value });
    if (due < this.armedFor) this.arm();
  }

  after(delayMs: number, value: T): void {
    this.at(this.clock.now() + delayMs, value);
  }

  /** Drops everything and stops the timer. */
  clear(): void {
    this.heap.length = 0;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    const first = this.heap[0];
    if (!first) return;
    this.armedFor = first.due;
    this.timer = this.clock.setTimer(() => this.run(), Math.max(0, first.due - this.clock.now()));
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  private run(): void {
    this.timer = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const due: T[] = [];
    for (let first = this.heap[0]; first && first.due <= now; first = this.heap[0])
      due.push(this.pop().value);
    // Re-arm before handing over, so a throwing consumer cannot stop later reports.
    this.arm();
    if (due.length > 0) this.fire(due);
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as Entry<T>)) break;
      heap[i] = heap[parent] as Entry<T>;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry<T> {
    const heap = this.heap;
    const top = heap[0] as Entry<T>;
    const last = heap.pop() as Entry<T>;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      let candidate = last;
      const l = heap[left];
      if (left < heap.length && l && before(l, candidate)) {
        smallest = left;
        candidate = l;
      }
      const r = heap[right];
      if (right < heap.length && r && before(r, candidate)) smallest = right;
      if (smallest === i) break;
      heap[i] = heap[smallest] as Entry<T>;
      i = smallest;
    }
    heap[i] = last;
    return top;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}
