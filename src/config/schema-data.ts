/**
 * The keys that look after the data itself: backups taken by `serve` (docs/deploy.md "Backups")
 * and how long what the platform keeps is kept (docs/data-protection.md "Retention").
 */
import { z } from 'zod';
import { clockTime } from './schema-parts.js';

export const backupSettings = z
  .object({
    /** Beijing time `HH:mm` at which `serve` takes a backup each day; null (the default): none. */
    schedule: clockTime.nullable().default(null),
    /** Where scheduled backups are written (`sms12333-YYYYMMDD-HHmmss.age`). */
    dir: z.string().min(1).default('./backups'),
    /** Scheduled backups kept in `dir`; older ones are removed after a new one succeeds. */
    keep: z.number().int().min(1).max(1000).default(7),
    /** The age public key (`age1…`) backups are encrypted to; `--recipient` overrides it. */
    recipientFile: z.string().default(''),
    /** The pg_dump program for PostgreSQL; empty: never, read the tables in one repeatable-read transaction. */
    pgDump: z.string().default('pg_dump'),
  })
  .strict()
  .prefault({})
  .refine((b) => b.schedule === null || b.recipientFile !== '', {
    error: 'a schedule needs recipientFile (the age public key backups are encrypted to)',
    path: ['recipientFile'],
  });

/** Days kept; the audit log is not here: it is never pruned below 180 days (`sms12333 audit prune`). */
const days = (fallback: number) => z.number().int().min(1).max(36_500).default(fallback);

export const retentionSettings = z
  .object({
    /** Finished messages, their parts and delivery reports (six months: the logs the rules require). */
    messagesDays: days(180),
    /** Uplink messages (what citizens texted), answered ones only. */
    uplinksDays: days(180),
    /** The record of citizens' commands and how each ended. */
    citizenRequestsDays: days(180),
    /** The interface access log (every business-system call, refusals and locks included). */
    interfaceLogDays: days(180),
    /** Export files a stopped process left behind (console exports are removed minutes after download). */
    exportsDays: days(7),
    /** How often the pruning runs, and how many rows one of its transactions removes at most. */
    intervalSeconds: z.number().int().min(1).default(3600),
    batch: z.number().int().min(10).max(10_000).default(500),
  })
  .strict()
  .prefault({});
