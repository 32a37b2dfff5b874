/**
 * The citizen service: takes uplinks to the platform itself (commands) in arrival order and hands
 * each to the command engine. Woken when this process stores an uplink, polling for those another
 * process stored. One at a time, so one phone's commands are answered in the order they were sent.
 */
import type { Logger } from 'pino';
import { claimCommands } from '../store/citizens.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { CommandEngine } from './engine.js';

/** Attempts before a command is answered with "try later" and marked handled. */
const MAX_FAILURES = 3;

export class CitizenService {
  private readonly failures = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Commands answered by this process (tests and metrics). */
  handled = 0;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly engine: CommandEngine,
    private readonly options: { pollMs: number; leaseMs: number; onAnswered: () => void; now: () => number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, '市民指令处理失败 command handling failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.options.now();
      const batch = await claimCommands(
        this.handle.db,
        this.handle.caps,
        50,
        now,
        now + this.options.leaseMs,
      );
      if (batch.length === 0) return;
      for (const cmd of batch) {
        if (this.stopped) return;
        try {
          if (await this.engine.handle(cmd)) this.handled++;
          this.failures.delete(cmd.uplinkId);
        } catch (err) {
          // Tried again when its lease ends; after a few failures the citizen is told to try
          // later, so one command that cannot be answered never blocks the rest for good.
          const failures = (this.failures.get(cmd.uplinkId) ?? 0) + 1;
          this.failures.set(cmd.uplinkId, failures);
          this.logger.error({ err, uplinkId: cmd.uplinkId, failures }, '指令处理出错 command failed');
          if (failures >= MAX_FAILURES) {
            this.failures.delete(cmd.uplinkId);
            await this.engine
              .giveUp(cmd)
              .catch((e: unknown) =>
                this.logger.error({ err: e, uplinkId: cmd.uplinkId }, '无法答复 could not answer'),
              );
          }
        }
      }
      this.options.onAnswered();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
