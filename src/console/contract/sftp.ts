/**
 * One account's SFTP batch interface on the console (routes/app-sftp.ts, web/pages/integration/
 * SftpDrawer.tsx; docs/sftp.md): its logins (public keys with their fingerprints, whether a password
 * is set), its password locks, the files it sent and what was written back, and its recent logins
 * from the interface access log.
 */
import { z } from 'zod';

const time = z.string().nullable();

export const sftpKeyView = z.object({
  /** The `authorized_keys` line as registered (a public key: nothing secret). */
  line: z.string(),
  algo: z.string(),
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: z.string(),
  comment: z.string(),
});
export type SftpKeyView = z.infer<typeof sftpKeyView>;

export const sftpFileView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['processing', 'admitted', 'reported', 'rejected']),
  bytes: z.number(),
  rows: z.number(),
  accepted: z.number(),
  /** Rows answered with another code than 1. */
  refused: z.number(),
  error: z.string().nullable(),
  receivedAt: z.string(),
  /** When `NAME.result.csv`, `NAME.report.csv` and `NAME.error.txt` were written. */
  resultAt: time,
  reportAt: time,
  errorAt: time,
  /** The same file uploaded again, each answered with an error file. */
  repeats: z.number(),
  repeatedAt: time,
  /** The files written to `outbox/` for it. */
  outputs: z.array(z.string()),
});
export type SftpFileView = z.infer<typeof sftpFileView>;

export const sftpLoginView = z.object({
  id: z.string(),
  at: z.string(),
  sourceIp: z.string(),
  method: z.string(),
  code: z.number().nullable(),
  msg: z.string().nullable(),
});
export type SftpLoginView = z.infer<typeof sftpLoginView>;

export const lockChannel = z.enum(['interface', 'sftp']);

export const accountLockView = z.object({
  channel: lockChannel,
  source: z.string(),
  attempts: z.number(),
  lockedUntil: z.string(),
});
export type AccountLockView = z.infer<typeof accountLockView>;

export const sftpAnswer = z.object({
  name: z.string(),
  /** The listener, when `sftp.enabled`: what the integrators connect to. */
  listener: z.object({ port: z.number() }).nullable(),
  publicKeys: z.array(sftpKeyView),
  hasPassword: z.boolean(),
  locks: z.array(accountLockView),
  files: z.array(sftpFileView),
  logins: z.array(sftpLoginView),
});
export type SftpAnswer = z.infer<typeof sftpAnswer>;

/** PUT /apps/:id/sftp: the keys replace the registered ones; a password sets it, null clears it. */
export const sftpChange = z
  .object({
    publicKeys: z.array(z.string().max(8192)).max(20).optional(),
    password: z.string().min(8).max(128).nullable().optional(),
  })
  .strict();
export type SftpChange = z.infer<typeof sftpChange>;

export const sftpChangeAnswer = z.object({ publicKeys: z.array(z.string()), hasPassword: z.boolean() });
export type SftpChangeAnswer = z.infer<typeof sftpChangeAnswer>;

/** POST /apps/:id/unlock: one address (and channel), or every lock of the account. */
export const unlockBody = z
  .object({ source: z.string().max(64).optional(), channel: lockChannel.optional() })
  .strict();
export type UnlockBody = z.infer<typeof unlockBody>;
