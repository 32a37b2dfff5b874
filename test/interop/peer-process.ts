/**
 * An independent peer run as a child process (a Perl script on Net::SMPP, Kannel's boxes): its
 * stdout lines are collected, JSON lines parsed into events, and a test waits on them. A peer that
 * cannot start (a missing Debian package) fails the test with its stderr; it never skips.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Signal } from '../protocols/cmpp/fake-ismg.js';

export type PeerEvent = Record<string, unknown> & { event: string };

export class PeerProcess {
  readonly events: PeerEvent[] = [];
  readonly signal = new Signal();
  private stderr = '';
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly child: ChildProcess;

  constructor(command: string, args: readonly string[], options: { cwd?: string } = {}) {
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as PeerEvent);
      }
      this.signal.notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    this.child.on('error', (err) => {
      this.stderr += `\n${err.message}`;
      this.exited = { code: null, signal: 'spawn-error' };
      this.signal.notify();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      this.signal.notify();
    });
  }

  of(event: string): PeerEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Waits for `count` events of a kind; fails with the peer's stderr if it exits first. */
  async waitFor(event: string, count = 1, timeoutMs = 5000): Promise<PeerEvent[]> {
    await this.signal.until(
      () => this.of(event).length >= count || this.exited !== null,
      `${count} × ${event} from the peer`,
      timeoutMs,
    );
    if (this.of(event).length < count)
      throw new Error(`peer exited (${JSON.stringify(this.exited)}) before ${event}: ${this.stderr}`);
    return this.of(event);
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Throws with the peer's stderr when it has exited: a test polling something else stops early. */
  assertRunning(): void {
    if (this.exited) throw new Error(`peer exited (${JSON.stringify(this.exited)}): ${this.stderr}`);
  }

  /** Ends stdin (the scripts' cue to exit) or sends `signal`; SIGKILL after three seconds. */
  async close(signal?: NodeJS.Signals): Promise<void> {
    if (this.exited) return;
    if (signal) this.child.kill(signal);
    else this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.signal.until(() => this.exited !== null, 'the peer to exit', 5000);
    clearTimeout(timer);
  }
}
