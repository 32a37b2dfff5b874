/**
 * The keys of the business systems' integration beside the HTTP interface: push callbacks
 * (docs/callbacks.md) and the SFTP batch interface (docs/sftp.md).
 */
import { z } from 'zod';
import { host, port } from './schema-parts.js';

export const callbackSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** A batch the receiver keeps refusing is retried this long, then shown as failed. */
    retryHours: z
      .number()
      .min(0.001)
      .max(24 * 30)
      .default(24),
    /** The first retry waits about this long; each further one twice as long (with jitter), up to maxRetryMs. */
    firstRetryMs: z.number().int().min(10).default(5_000),
    maxRetryMs: z.number().int().min(10).default(3_600_000),
    /** A receiver that has not answered within this is counted as a failed attempt. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Items per POST (docs/design.md §4.7: at most 500). */
    batchSize: z.number().int().min(1).max(500).default(500),
    /** How often to look for new items (the feeds are numbered within a fraction of a second). */
    pollMs: z.number().int().min(10).max(60_000).default(500),
    /** Accounts posted to at once; one slow receiver holds only its own slot. */
    concurrency: z.number().int().min(1).max(256).default(16),
  })
  .strict()
  .prefault({})
  .refine((c) => c.maxRetryMs >= c.firstRetryMs, { error: 'must be ≥ firstRetryMs', path: ['maxRetryMs'] });

/** The SFTP batch interface (docs/sftp.md): business systems drop files, the platform sends them. */
export const sftpSettings = z
  .object({
    enabled: z.boolean().default(false),
    host: host.default('127.0.0.1'),
    port: port.default(2222),
    /** The server's private key; empty: sftp_host_key beside the SQLite database (else ./data), made on first start (0600). */
    hostKeyFile: z.string().default(''),
    /** The accounts' folders (<dir>/<appName>/inbox, outbox); empty: sftp/ beside the host key. */
    dir: z.string().default(''),
    /** Bytes one account may keep in its folder (inbox and outbox together). */
    quotaBytes: z
      .number()
      .int()
      .min(1024)
      .default(512 * 1024 * 1024),
    /** Files one account may keep in its folder. */
    quotaFiles: z.number().int().min(1).default(1000),
    /** How often the inboxes are looked at (an upload also wakes the worker at once) and reports checked. */
    pollMs: z.number().int().min(50).max(600_000).default(5_000),
  })
  .strict()
  .prefault({});
