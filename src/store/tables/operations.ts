/** Platform housekeeping and console administration: ids, instances, console users, backups, gateways. Types for Kysely (see src/store/schema.ts). */
export interface SequencesTable {
  name: string;
  next_value: number;
}

export interface InstancesTable {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
}

/** A console user (migration 0008). */
export interface ConsoleUsersTable {
  id: number;
  username: string;
  password_hash: string;
  /** Comma-separated roles (domain/console-roles.ts). */
  roles: string;
  status: 'active' | 'disabled';
  must_change_password: number;
  password_changed_at: number;
  /** TOTP secret sealed with the personal-data cipher; null until enrolled. */
  totp_secret_enc: string | null;
  failed_logins: number;
  failed_window_start: number | null;
  locked_until: number | null;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A console login session; `id` is the SHA-256 (hex) of the cookie token. */
export interface ConsoleSessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  ip: string;
  expires_at: number;
}

/** A backup taken (migration 0021, store/backup-log.ts). */
export interface BackupsTable {
  id: string;
  trigger: 'cli' | 'schedule';
  status: 'running' | 'ok' | 'failed';
  /** Where the encrypted file was written. */
  file: string;
  started_at: number;
  finished_at: number | null;
  bytes: number | null;
  rows: number | null;
  /** How the snapshot was read: sqlite-snapshot, pg_dump or repeatable-read. */
  method: string | null;
  error: string | null;
}

/**
 * A gateway as changed from the console (migration 0034, store/gateway-settings.ts): overrides of a
 * configured link, or a whole link added (`definition`, its secrets sealed).
 */
export interface GatewaySettingsTable {
  id: string;
  paused: number;
  /** Null: as configured. */
  enabled: number | null;
  tps: number | null;
  window: number | null;
  /** JSON of a link added from the console; null for a link of the configuration file. */
  definition: string | null;
  /** Raised on every change, so running instances see which rows moved. */
  version: number;
  updated_by: string;
  updated_at: number;
}
