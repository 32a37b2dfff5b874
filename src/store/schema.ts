/**
 * Table types for Kysely. Times are epoch milliseconds, ids are integers below 2^53 handed out by
 * the id allocator (ids.ts), so both dialects read them as plain numbers. Each table's interface
 * lives in tables/<area>.ts and is re-exported here; a new table adds its interface there and its
 * entry to `Database` below.
 */
import type { Insertable, Selectable } from 'kysely';
import type {
  BatchesTable,
  MessageTalliesTable,
  DeliveryReportsTable,
  MessagePartsTable,
  MessagesTable,
  OrphanReportsTable,
  PartWritesTable,
  SendTasksTable,
  UplinkMessagesTable,
  UplinkSegmentsTable,
} from './tables/messages.js';
import type {
  AppsTable,
  CallbackCursorsTable,
  CallbackFailuresTable,
  InterfaceAccessLogTable,
  InterfaceLocksTable,
} from './tables/accounts.js';
import type {
  ListProposalsTable,
  MobileBlocksTable,
  ReviewsTable,
  SensitiveWordsTable,
  TemplatesTable,
} from './tables/rules.js';
import type {
  BackendPersonsTable,
  CitizenBindingsTable,
  CitizenRequestsTable,
  PasswordFailuresTable,
  ReplyTemplatesTable,
  ServiceTicketsTable,
} from './tables/citizen.js';
import type { OtpCodesTable, OtpLimitsTable } from './tables/otp.js';
import type {
  SurveyAnswersTable,
  SurveyQuestionsTable,
  SurveyTargetsTable,
  SurveysTable,
} from './tables/surveys.js';
import type { AuditHeadTable, AuditLogTable } from './tables/audit.js';
import type {
  BackupsTable,
  ConsoleSessionsTable,
  ConsoleUsersTable,
  GatewaySettingsTable,
  InstancesTable,
  SequencesTable,
} from './tables/operations.js';
import type { FederationCursorsTable } from './tables/federation.js';
import type { SftpCredentialsTable, SftpFileMessagesTable, SftpFilesTable } from './tables/sftp.js';

export type * from './tables/messages.js';
export type * from './tables/accounts.js';
export type * from './tables/rules.js';
export type * from './tables/citizen.js';
export type * from './tables/otp.js';
export type * from './tables/surveys.js';
export type * from './tables/audit.js';
export type * from './tables/operations.js';
export type * from './tables/federation.js';
export type * from './tables/sftp.js';

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
  sftp_credentials: SftpCredentialsTable;
  sftp_files: SftpFilesTable;
  sftp_file_messages: SftpFileMessagesTable;
  list_proposals: ListProposalsTable;
  message_tallies: MessageTalliesTable;
  message_tally_deltas: MessageTalliesTable;
}

export type AppRow = Selectable<AppsTable>;
export type NewMessage = Insertable<MessagesTable>;
export type MessageRow = Selectable<MessagesTable>;
export type BatchRow = Selectable<BatchesTable>;
