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

/** Uncertain writes of a part and the copies written after them (migration 0024, store/part-writes.ts). */
export interface PartWritesTable {
  message_id: number;
  part_no: number;
  total: number;
  /** Why the last write of this part may or may not have reached the handset; null: none uncertain. */
  uncertain: string | null;
  /** Times the part was written again after an earlier write that may have reached the handset. */
  copies: Generated<number>;
  copy_reason: string | null;
  updated_at: number;
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
  /** The review holding this batch's messages (migration 0010); null when none. */
  review_id: Generated<number | null>;
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
  /** Epoch ms the message stops being worth sending (migration 0037); null on older rows. */
  valid_until: number | null;
  created_at: number;
  attempts: Generated<number>;
  /** Parts sent again after a possible earlier submit without an answer. */
  resubmits: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  /** Taken anew by every claim: the lease token is (lease_owner, lease_epoch) (migration 0023). */
  lease_epoch: Generated<number>;
  gateway_id: string | null;
  submitted_at: number | null;
  deadline_at: number | null;
  done_at: number | null;
  stat: string | null;
  error: string | null;
  refunded: Generated<number>;
  /** Home province code from the segment data, '' when unknown (migration 0026). */
  home_province: Generated<string>;
}

/** Where a province's ministry link has read the ministry's report and reply feeds to (migration 0026). */
export interface FederationCursorsTable {
  gateway_id: string;
  feed: 'reports' | 'replies';
  cursor: string;
  updated_at: number;
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
  /** The original text of a command, sealed, while `text` holds it masked; cleared once handled. */
  secret_enc: string | null;
  /** A business system's uplink whose `text` was masked: the whole text, sealed, for its feed (migration 0020). */
  text_enc: string | null;
  /** When the command engine answered it; set at once for uplinks that belong to a business system. */
  handled_at: number | null;
  /** While one process answers the command, others leave it alone (a lease). */
  claimed_until: number | null;
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
  /** Masked (migration 0020); the original is sealed in `text_enc`. */
  text: string;
  text_enc: string | null;
  received_at: number;
}

export interface MobileBlocksTable {
  mobile: string;
  /**
   * TD: the citizen unsubscribed; BLACKLIST: an operator blocked the number; WHITELIST: an operator
   * exempted it from the frequency limits (docs/design.md §5 sending windows).
   */
  kind: 'TD' | 'BLACKLIST' | 'WHITELIST';
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
  /** Console user who wrote it (or last edited it); null for templates from before migration 0011. */
  created_by: string | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_note: string | null;
}

/** One SSN is bound to one phone; one phone may hold several SSNs (§6.2.1). */
export interface CitizenBindingsTable {
  id: number;
  mobile: string;
  ssn_hash: string;
  ssn_enc: string;
  name_enc: string;
  created_at: number;
  updated_at: number;
  /** When the citizen named this person the phone's owner (migration 0047); null: never. */
  owner_at: number | null;
}

/** Wrong service passwords counted per SSN (`ssn`, by its hash) and per phone (`mobile`). */
export interface PasswordFailuresTable {
  /** `pair`: one SSN from one phone, subject `ssnHash|mobile`. */
  scope: 'ssn' | 'mobile' | 'pair';
  subject: string;
  failures: number;
  window_start: number;
  locked_until: number | null;
}

/** Every command a citizen texted, with passwords masked, and how it ended. */
export interface CitizenRequestsTable {
  id: number;
  uplink_id: number;
  mobile: string;
  command: string;
  text_masked: string;
  outcome: string;
  reply_key: string | null;
  reply_message_id: number | null;
  created_at: number;
}

/** Work a command starts that ends later: a card-loss report (§7.3) or a province extension's ticket. */
export interface ServiceTicketsTable {
  id: number;
  request_no: string;
  kind: string;
  mobile: string;
  ssn_hash: string | null;
  ssn_enc: string | null;
  name_enc: string | null;
  /** JSON object of the command's parameters. */
  params: string;
  status: 'OPEN' | 'HANDLING' | 'DONE' | 'REJECTED';
  handler: 'card-system' | 'staff';
  reference: string | null;
  assignee: string | null;
  result: 'done' | 'rejected' | null;
  result_text: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

/** An operator's edit of a reply text; absent keys use the built-in text (src/citizen/replies.ts). */
export interface ReplyTemplatesTable {
  key: string;
  content: string;
  updated_by: string;
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
 * A verification code (docs/design.md §4.3). `code_hash` is an HMAC of the code under a server key;
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

/** A survey (§7.4); `ext_code` is `citizen.surveyExtPrefix` + its number, the sender number of its questions. */
export interface SurveysTable {
  id: number;
  name: string;
  /** Put before the first question. */
  intro: string;
  /** The reply after the last answer. */
  thanks: string;
  ext_code: string;
  /** draft until first sent; closed by an operator (or read as closed once `closes_at` passed). */
  status: 'draft' | 'open' | 'closed';
  opens_at: number;
  closes_at: number;
  created_by: string;
  created_at: number;
  closed_at: number | null;
}

export interface SurveyQuestionsTable {
  survey_id: number;
  /** 0-based. */
  position: number;
  text: string;
  /** JSON array of {code, label}. */
  options: string;
}

/** A phone a survey was sent to and the question it is on. */
export interface SurveyTargetsTable {
  id: number;
  survey_id: number;
  mobile: string;
  /** 0-based question the phone is asked now (the last one once done). */
  position: number;
  /** 1 once this question was asked again after an invalid answer. */
  reprompted: number;
  /** blocked: not sent (TD, QXFW, blacklist, no route); pending: no answer yet; done: finished or ended. */
  status: 'blocked' | 'pending' | 'answering' | 'done';
  /** The message that carried the first question. */
  message_id: number | null;
  sent_at: number;
  updated_at: number;
}

/** One phone's answer to one question; option_code null (valid 0) is an invalid answer that ended the survey for it. */
export interface SurveyAnswersTable {
  survey_id: number;
  mobile: string;
  position: number;
  option_code: string | null;
  raw_text: string;
  valid: number;
  uplink_id: number;
  answered_at: number;
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

/** One audit entry (migration 0009; §8.1 c): chained by `hash` = HMAC(key, prev_hash ‖ entry). */
export interface AuditLogTable {
  seq: number;
  at: number;
  kind: 'access' | 'operation' | 'data';
  actor: string;
  role: string | null;
  source_ip: string | null;
  action: string;
  target: string | null;
  result: 'ok' | 'denied' | 'failed';
  /** JSON text, hashed as stored. */
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The single row (id 1) that serialises audit writers and anchors both ends of the chain. */
export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
  pruned_seq: number;
  pruned_hash: string;
  /** Keyed MAC over the four fields above; '' only before the first append. */
  mac: string;
}

/** Held messages waiting for a reviewer (migration 0010, store/reviews.ts). */
export interface ReviewsTable {
  id: number;
  kind: 'batch-size' | 'sensitive-words';
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  app_id: number;
  /** The console user who sent the batch; null when a business system did. */
  requested_by: string | null;
  /** JSON object (store/reviews.ts ReviewSummary). */
  summary: string;
  message_count: Generated<number>;
  created_at: number;
  decided_by: string | null;
  decided_at: number | null;
  note: string | null;
}

/** A word admission looks for in every text (migration 0010, domain/sensitive-words.ts). */
export interface SensitiveWordsTable {
  id: number;
  word: string;
  normalized: string;
  action: 'block' | 'review';
  note: string | null;
  created_by: string;
  created_at: number;
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

/** Interface password attempts and locks per account and source address (migration 0040). */
export interface InterfaceLocksTable {
  app_id: number;
  source: string;
  /** Attempts counted (before each check) since window_start; a right password clears the row. */
  attempts: number;
  window_start: number;
  /** 0 when not locked. */
  locked_until: number;
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

/** One console send (migration 0035, store/console-send.ts). */
/** Messages per creation hour, app, carrier, gateway ('' = none) and status (migration 0070). */
export interface MessageTalliesTable {
  hour: number;
  app_id: number;
  carrier: string;
  gateway_id: string;
  status: string;
  n: number;
}

export interface SendTasksTable {
  id: number;
  app_id: number;
  /** The page's idempotency key: the task's batches are `console:<key>:<n>`. */
  send_key: string;
  file_name: string | null;
  recipients: number;
  created_by: string;
  created_at: number;
}

export interface Database {
  apps: AppsTable;
  sequences: SequencesTable;
  instances: InstancesTable;
  batches: BatchesTable;
  messages: MessagesTable;
  federation_cursors: FederationCursorsTable;
  message_parts: MessagePartsTable;
  part_writes: PartWritesTable;
  delivery_reports: DeliveryReportsTable;
  orphan_reports: OrphanReportsTable;
  uplink_messages: UplinkMessagesTable;
  uplink_segments: UplinkSegmentsTable;
  mobile_blocks: MobileBlocksTable;
  templates: TemplatesTable;
  backend_persons: BackendPersonsTable;
  citizen_bindings: CitizenBindingsTable;
  password_failures: PasswordFailuresTable;
  citizen_requests: CitizenRequestsTable;
  service_tickets: ServiceTicketsTable;
  reply_templates: ReplyTemplatesTable;
  otp_codes: OtpCodesTable;
  otp_limits: OtpLimitsTable;
  surveys: SurveysTable;
  survey_questions: SurveyQuestionsTable;
  survey_targets: SurveyTargetsTable;
  survey_answers: SurveyAnswersTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  reviews: ReviewsTable;
  sensitive_words: SensitiveWordsTable;
  backups: BackupsTable;
  interface_locks: InterfaceLocksTable;
  callback_cursors: CallbackCursorsTable;
  callback_failures: CallbackFailuresTable;
  interface_access_log: InterfaceAccessLogTable;
  gateway_settings: GatewaySettingsTable;
  send_tasks: SendTasksTable;
  message_tallies: MessageTalliesTable;
  message_tally_deltas: MessageTalliesTable;
}

export type AppRow = Selectable<AppsTable>;
export type NewMessage = Insertable<MessagesTable>;
export type MessageRow = Selectable<MessagesTable>;
export type BatchRow = Selectable<BatchesTable>;
