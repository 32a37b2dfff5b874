/**
 * A small finite state machine over a transition table: moving to a state the table does not allow
 * from the current one is refused (and reported), never silently done.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export class StateMachine<S extends string> {
  private current: S;

  constructor(
    private readonly table: TransitionTable<S>,
    initial: S,
    private readonly onChange: (from: S, to: S) => void = () => undefined,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  /** Moves to `to` when the table allows it; answers whether it did. */
  to(to: S): boolean {
    if (!this.can(to)) return false;
    const from = this.current;
    this.current = to;
    this.onChange(from, to);
    return true;
  }
}
