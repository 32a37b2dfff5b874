import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets never reach them: these keys are censored wherever they appear, and
 * personal data is masked by the code that logs it.
 */
const REDACT = [
  'password',
  'secret',
  'otp',
  'authorization',
  '*.password',
  '*.secret',
  '*.otp',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** Logs to stdout, or to `file` (appended, its folder created) when given. */
export function createLogger(options: { level?: string; name?: string; file?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'sms12333',
      level: options.level ?? process.env.SMS12333_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT, censor: '***' },
      base: { pid: process.pid },
    },
    options.file
      ? pino.destination({ dest: options.file, mkdir: true, sync: false })
      : pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that discards everything, for tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** 13812345678 → 138****5678 */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : mobile;
}
