/**
 * The business backend (业务系统) as the command engine sees it: who a citizen is, their insurance
 * and pension figures (§6.3.2 CBXX, YLZHYE), their service password (BD, MMCZ), card-loss reports
 * (§7.3 LSGS) and the queries of province extension commands. Two implementations: `embedded`
 * (a table filled by `sms12333 backend import`) and `http` (a provincial core system).
 *
 * SSNs passed in are validated by the caller; the backend canonicalises them (trim, `x` → `X`).
 * Any method may throw BackendUnavailableError — the backend could not be asked or gave no usable
 * answer — which the caller turns into a "try again later" reply. Other AppErrors are bugs or
 * configuration errors (ERR_BACKEND_OPERATION: an extension names an operation the backend lacks).
 */
import { AppError } from '../shared/errors.js';

export interface Insurance {
  /** 险种, e.g. 企业职工基本养老保险. */
  type: string;
  /** 参保状态, e.g. 正常参保, 暂停参保. */
  status: string;
}

export interface PersonSummary {
  /** Canonical SSN (upper-case X). */
  ssn: string;
  name: string;
  insurances: Insurance[];
  /** Pension personal-account balance in fen (分) and the month it stands at (YYYY-MM); null: no account. */
  pension: { balanceCents: number; asOf: string } | null;
  /** Further fields of the source (the CSV's extra columns), for extension reply templates. */
  extra: Record<string, string>;
}

export type PasswordCheck = 'ok' | 'wrong' | 'no-person';

export interface CardLossRequest {
  ssn: string;
  /** The request number the citizen was given (also the idempotency key towards the card system). */
  requestNo: string;
  mobile: string;
}

export interface BusinessBackend {
  readonly kind: 'embedded' | 'http';
  findPerson(ssn: string): Promise<PersonSummary | null>;
  /** Checks the service password; the caller counts failures and locks (docs/design.md §5). */
  verifyServicePassword(ssn: string, password: string): Promise<PasswordCheck>;
  /** Sets a new service password (policy checked by the caller); 'no-person' if there is nobody to change. */
  changeServicePassword(ssn: string, newPassword: string): Promise<'ok' | 'no-person'>;
  /** Card-loss request (§7.3) handed to the card system; returns its reference, or null when this backend has no card system (staff handle it). */
  reportCardLoss(request: CardLossRequest): Promise<{ reference: string } | null>;
  /**
   * A province extension command's query: named operation + params → flat string fields for a
   * reply template, or null when there is no such record (e.g. nobody with that SSN).
   */
  query(operation: string, params: Record<string, string>): Promise<Record<string, string> | null>;
  close(): Promise<void>;
}

export type UnavailableReason = 'timeout' | 'connection' | 'status' | 'malformed';

/** The backend could not answer now: timeout, connection refused or reset, HTTP error status, unusable answer. */
export class BackendUnavailableError extends AppError {
  readonly reason: UnavailableReason;
  /** The HTTP status, for reason 'status'. */
  readonly status: number | undefined;

  constructor(reason: UnavailableReason, detail: string, options?: { cause?: unknown; status?: number }) {
    super('ERR_BACKEND_UNAVAILABLE', `${reason}: ${detail}`, options);
    this.name = 'BackendUnavailableError';
    this.reason = reason;
    this.status = options?.status;
  }
}

export function isBackendUnavailable(err: unknown): err is BackendUnavailableError {
  return err instanceof BackendUnavailableError;
}

/** The embedded backend's built-in query, also the operation name an http backend may implement. */
export const PERSON_OPERATION = 'person';

/**
 * A person as flat template fields: name, ssnMasked, insurances (`险种:状态;…`), insuranceCount,
 * pensionBalance (yuan, two decimals, '' without an account), pensionAsOf, then the extra fields
 * (which never override these).
 */
export function personFields(person: PersonSummary): Record<string, string> {
  return {
    ...person.extra,
    name: person.name,
    ssnMasked: maskSsn(person.ssn),
    insurances: person.insurances.map((i) => `${i.type}:${i.status}`).join(';'),
    insuranceCount: String(person.insurances.length),
    pensionBalance: person.pension ? formatYuan(person.pension.balanceCents) : '',
    pensionAsOf: person.pension?.asOf ?? '',
  };
}

/** `2101**********123X`: the first four and the last four characters (docs/design.md §5). */
export function maskSsn(ssn: string): string {
  return ssn.length <= 8
    ? '*'.repeat(ssn.length)
    : `${ssn.slice(0, 4)}${'*'.repeat(ssn.length - 8)}${ssn.slice(-4)}`;
}

/** Fen to yuan with two decimals, without floating point: 123456 → "1234.56". */
export function formatYuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
