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

export function createLogger(options: { level?: string; name?: string; destination?: number } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'sms12333',
      level: options.level ?? process.env.SMS12333_LOG_LEVEL ?? 'info',
      redact: { paths: REDACT, censor: '***' },
      base: { pid: process.pid },
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
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
