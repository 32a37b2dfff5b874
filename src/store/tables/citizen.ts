/** The citizen service: bindings, passwords, commands, tickets, reply texts, the embedded backend. Types for Kysely (see src/store/schema.ts). */
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
