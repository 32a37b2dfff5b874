/**
 * Table types for Kysely. Times are epoch milliseconds, ids are integers below 2^53 handed out by
 * the id allocator (ids.ts), so both dialects read them as plain numbers.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

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
}

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

export interface BatchesTable {
  id: number;
  app_id: number;
  client_msg_id: string | null;
  signature: string;
  content: string;
  /** Extension digits appended to the gateway's sender number: the app's then the request's. */
  src_ext: string;
  islong: number;
  category: string;
  send_at: number | null;
  total: number;
  created_at: number;
  /** The first answer, returned again for a repeated clientMsgId. */
  response: string;
}

export interface MessagesTable {
  id: number;
  batch_id: number;
  app_id: number;
  mobile: string;
  carrier: string;
  status: string;
  segments: number;
  /** Segments charged to the balance (0 for BLOCKED). */
  charged: number;
  not_before: number;
  created_at: number;
  attempts: Generated<number>;
  /** Parts sent again after a possible earlier submit without an answer. */
  resubmits: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  gateway_id: string | null;
  submitted_at: number | null;
  deadline_at: number | null;
  done_at: number | null;
  stat: string | null;
  error: string | null;
  refunded: Generated<number>;
}

export interface MessagePartsTable {
  message_id: number;
  part_no: number;
  total: number;
  gateway_id: string;
  carrier_msg_id: string;
  status: string;
  stat: string | null;
  submitted_at: number;
  done_at: number | null;
}

export interface DeliveryReportsTable {
  id: number;
  /** Commit-ordered position for the cursor pull; null until the sequencer numbers it. */
  seq: number | null;
  app_id: number;
  message_id: number;
  mobile: string;
  status: string;
  stat: string | null;
  done_at: number;
  created_at: number;
}

export interface OrphanReportsTable {
  id: number;
  gateway_id: string;
  carrier_msg_id: string;
  stat: string;
  mobile: string;
  done_at: number;
  received_at: number;
}

export interface UplinkMessagesTable {
  id: number;
  seq: number | null;
  gateway_id: string;
  carrier_msg_id: string;
  mobile: string;
  dest_id: string;
  /** The extension digits after the gateway's sender number. */
  ext: string;
  app_id: number | null;
  text: string;
  concat_ref: number | null;
  concat_total: number | null;
  concat_part: number | null;
  received_at: number;
  status: string;
}

export interface UplinkSegmentsTable {
  id: number;
  gateway_id: string;
  carrier_msg_id: string;
  mobile: string;
  dest_id: string;
  ext: string;
  app_id: number | null;
  ref: number;
  total: number;
  part_no: number;
  text: string;
  received_at: number;
}

export interface MobileBlocksTable {
  mobile: string;
  /** TD: the citizen unsubscribed; BLACKLIST: an operator blocked the number. */
  kind: 'TD' | 'BLACKLIST';
  reason: string | null;
  created_at: number;
}

export interface TemplatesTable {
  id: number;
  app_id: number | null;
  name: string;
  content: string;
  status: 'pending' | 'approved' | 'rejected';
  created_at: number;
  updated_at: number;
}

/** The embedded business backend's people (src/store/backend-persons.ts). */
export interface BackendPersonsTable {
  /** HMAC-SHA256 of the canonical SSN (src/security/personal-data.ts), hex. */
  ssn_hash: string;
  ssn_enc: string;
  name_enc: string;
  /** argon2id of the service password. */
  password_hash: string;
  /** JSON array of {type, status}. */
  insurances: string;
  pension_balance_cents: number | null;
  /** YYYY-MM. */
  pension_as_of: string | null;
  /** Encrypted JSON object of the CSV's further columns. */
  extra_enc: string;
  updated_at: number;
}

/**
 * A verification code (DESIGN §4.3). `code_hash` is an HMAC of the code under a server key;
 * `text_enc` the sealed text with the code, for the dispatcher only, cleared once the code is spent.
 */
export interface OtpCodesTable {
  id: number;
  app_id: number;
  mobile: string;
  scene: string;
  code_hash: string;
  text_enc: string | null;
  batch_id: number;
  message_id: number;
  status: 'ACTIVE' | 'VERIFIED' | 'DEAD' | 'SUPERSEDED';
  attempts: Generated<number>;
  created_at: number;
  expires_at: number;
  /** When it was verified, killed by wrong attempts or superseded. */
  ended_at: number | null;
}

/** Codes sent to a number on one Beijing-time day, across apps (the daily cap). */
export interface OtpLimitsTable {
  mobile: string;
  /** yyyy-MM-dd, Beijing time. */
  day: string;
  sent: number;
}

export interface Database {
  apps: AppsTable;
  sequences: SequencesTable;
  instances: InstancesTable;
  batches: BatchesTable;
  messages: MessagesTable;
  message_parts: MessagePartsTable;
  delivery_reports: DeliveryReportsTable;
  orphan_reports: OrphanReportsTable;
  uplink_messages: UplinkMessagesTable;
  uplink_segments: UplinkSegmentsTable;
  mobile_blocks: MobileBlocksTable;
  templates: TemplatesTable;
  backend_persons: BackendPersonsTable;
  otp_codes: OtpCodesTable;
  otp_limits: OtpLimitsTable;
}

export type AppRow = Selectable<AppsTable>;
export type NewMessage = Insertable<MessagesTable>;
export type MessageRow = Selectable<MessagesTable>;
export type BatchRow = Selectable<BatchesTable>;
