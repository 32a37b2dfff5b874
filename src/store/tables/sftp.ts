/** The SFTP batch interface's logins and files (docs/sftp.md). Types for Kysely (see src/store/schema.ts). */
import type { Generated } from 'kysely';

/** An account's SFTP logins (migration 0060): OpenSSH public key lines, and/or an argon2id hash. */
export interface SftpCredentialsTable {
  app_id: number;
  public_keys: string;
  password_hash: string | null;
  /** The replies feed's seq written to the account's outbox so far (migration 0061). */
  reply_cursor: Generated<number>;
  updated_at: number;
}

/** A file taken from an account's SFTP inbox (docs/sftp.md). */
export interface SftpFilesTable {
  id: number;
  app_id: number;
  name: string;
  sha256: string;
  bytes: number;
  status: 'processing' | 'admitted' | 'reported' | 'rejected';
  rows: Generated<number>;
  accepted: Generated<number>;
  error: string | null;
  received_at: number;
  admitted_at: number | null;
  reported_at: number | null;
  /** When its error file was written (migration 0095). */
  rejected_at: Generated<number | null>;
  /** The same file uploaded again: how often, and the last time (each answered with an error file). */
  repeats: Generated<number>;
  repeated_at: Generated<number | null>;
}

export interface SftpFileMessagesTable {
  file_id: number;
  message_id: number;
  line: number;
}
