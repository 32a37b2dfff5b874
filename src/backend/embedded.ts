/**
 * The embedded business backend: people imported with `sms12333 backend import` into the
 * backend_persons table. No card system (card-loss reports go to staff); one query operation,
 * `person` ({ssn}) → the person's fields (types.ts personFields).
 */
import { AppError } from '../shared/errors.js';
import { hashPassword, verifyPassword } from '../security/passwords.js';
import { canonicalSsn, tokenKeyId, type PersonalDataCipher } from '../security/personal-data.js';
import {
  findBackendPerson,
  sampleBackendPersonToken,
  setBackendPersonPassword,
  type BackendPersonRecord,
} from '../store/backend-persons.js';
import type { DatabaseHandle } from '../store/connect.js';
import {
  BackendUnavailableError,
  PERSON_OPERATION,
  personFields,
  type BusinessBackend,
  type CardLossRequest,
  type PasswordCheck,
  type PersonSummary,
} from './types.js';

/**
 * Refuses a key other than the one the table was filled with: every lookup would miss and the
 * citizens would be told they do not exist. Throws AppError ERR_DATA_KEY.
 */
export async function assertDataKeyMatches(
  handle: DatabaseHandle,
  cipher: PersonalDataCipher,
): Promise<void> {
  const token = await sampleBackendPersonToken(handle.db);
  if (token === null) return;
  const id = tokenKeyId(token);
  if (id !== cipher.keyId)
    throw new AppError(
      'ERR_DATA_KEY',
      `backend_persons was encrypted with key ${id ?? '?'}, the configured key is ${cipher.keyId} (security.dataKey / dataKeyFile)`,
    );
}

function parseExtra(json: string): Record<string, string> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}

export class EmbeddedBackend implements BusinessBackend {
  readonly kind = 'embedded' as const;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly cipher: PersonalDataCipher,
  ) {}

  private async row(ssn: string): Promise<BackendPersonRecord | null> {
    try {
      return await findBackendPerson(this.handle.db, this.cipher.lookupHash(ssn));
    } catch (err) {
      // The database is this backend's system: the caller answers "try later" as for a remote one.
      throw new BackendUnavailableError('connection', (err as Error).message, { cause: err });
    }
  }

  async findPerson(ssn: string): Promise<PersonSummary | null> {
    const row = await this.row(ssn);
    if (!row) return null;
    return {
      ssn: canonicalSsn(this.cipher.decrypt(row.ssnEnc)),
      name: this.cipher.decrypt(row.nameEnc),
      insurances: row.insurances,
      pension:
        row.pensionBalanceCents !== null && row.pensionAsOf !== null
          ? { balanceCents: row.pensionBalanceCents, asOf: row.pensionAsOf }
          : null,
      extra: parseExtra(this.cipher.decrypt(row.extraEnc)),
    };
  }

  async verifyServicePassword(ssn: string, password: string): Promise<PasswordCheck> {
    const row = await this.row(ssn);
    if (!row) return 'no-person';
    return (await verifyPassword(row.passwordHash, password)) ? 'ok' : 'wrong';
  }

  async changeServicePassword(ssn: string, newPassword: string): Promise<'ok' | 'no-person'> {
    const hash = await hashPassword(newPassword);
    try {
      return (await setBackendPersonPassword(this.handle.db, this.cipher.lookupHash(ssn), hash))
        ? 'ok'
        : 'no-person';
    } catch (err) {
      throw new BackendUnavailableError('connection', (err as Error).message, { cause: err });
    }
  }

  /** No card system here: staff handle the request in the console. */
  reportCardLoss(_request: CardLossRequest): Promise<{ reference: string } | null> {
    return Promise.resolve(null);
  }

  async query(operation: string, params: Record<string, string>): Promise<Record<string, string> | null> {
    if (operation !== PERSON_OPERATION)
      throw new AppError(
        'ERR_BACKEND_OPERATION',
        `embedded backend: ${operation} (only ${PERSON_OPERATION})`,
      );
    const ssn = params.ssn;
    if (ssn === undefined || ssn === '')
      throw new AppError('ERR_BACKEND_OPERATION', `${PERSON_OPERATION}: the ssn parameter is required`);
    const person = await this.findPerson(ssn);
    return person ? personFields(person) : null;
  }

  /** The database handle belongs to the caller. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
