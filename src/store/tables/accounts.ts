/** Business-system accounts and what the interface and callbacks keep per account. Types for Kysely (see src/store/schema.ts). */
import type { Generated } from 'kysely';

export interface AppsTable {
  id: number;
  name: string;
  password_hash: string;
  /** Comma-separated CIDRs. */
  ip_whitelist: string;
  /** Prepaid balance in SMS segments. */
  balance: number;
  signature: string;
  ext_code: string;
  status: 'active' | 'frozen' | 'disabled';
  report_url: string | null;
  reply_url: string | null;
  created_at: number;
  updated_at: number;
  /** On the ministry platform: the province (two-digit code) this account belongs to (migration 0026). */
  province: string | null;
  /** The callback signing secret, sealed with the data key (migration 0030); null until one is made. */
  callback_secret_enc: Generated<string | null>;
  /** What the interface checks beside the password (migration 0031). */
  auth_mode: Generated<'whitelist' | 'certificate' | 'both'>;
  /** SHA-256 of the registered client certificate (DER), upper-case hex with colons, as Node prints it. */
  cert_fingerprint: Generated<string | null>;
  cert_subject: Generated<string | null>;
  cert_not_after: Generated<number | null>;
}

/** Which password an attempt tried: the interface's, or the account's SFTP password (docs/sftp.md). */
export type LockChannel = 'interface' | 'sftp';

/** Password attempts and locks per account, channel and source address (migrations 0040, 0095). */
export interface InterfaceLocksTable {
  app_id: number;
  channel: Generated<LockChannel>;
  source: string;
  /** Attempts counted (before each check) since window_start; a right password clears the row. */
  attempts: number;
  window_start: number;
  /** 0 when not locked. */
  locked_until: number;
}

/** One interface call (standard §8.1 c): who, from where, what, how it ended. Never a password. */
export interface InterfaceAccessLogTable {
  id: number;
  at: number;
  /** As the caller gave it (may name no account). */
  app_name: string | null;
  source_ip: string;
  path: string;
  /** The answer's `code` (Appendix A); null when the answer had none. */
  code: number | null;
  /** Numbers in the request (send calls). */
  numbers: number;
  duration_ms: number;
  /** The answer's `msg` for refusals (why), null for code 1. */
  msg: string | null;
}

/** How far an account's receiver has taken one feed, and the retry state of the next batch (docs/callbacks.md). */
export interface CallbackCursorsTable {
  app_id: number;
  kind: 'report' | 'reply';
  /** The last `seq` the receiver answered 2xx for (or that was given up). */
  cursor: Generated<number>;
  /** Failed attempts of the batch after `cursor`. */
  attempts: Generated<number>;
  next_at: Generated<number>;
  failing_since: number | null;
  last_error: string | null;
  last_ok_at: number | null;
  delivered: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
}

/** A batch given up after `callbacks.retryHours`; its items stay pullable. */
export interface CallbackFailuresTable {
  id: number;
  app_id: number;
  kind: 'report' | 'reply';
  from_seq: number;
  to_seq: number;
  items: number;
  attempts: number;
  last_error: string;
  failed_at: number;
  /** When an operator asked for the batch to be sent again (console); null once it was tried. */
  retry_requested_at: number | null;
}
