/**
 * The embedded business backend's people. Rows hold ciphertext and a keyed hash; encrypting and
 * hashing happen above this layer (src/backend), so the store never sees a key.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface Insurance {
  type: string;
  status: string;
}

export interface BackendPersonRecord {
  ssnHash: string;
  ssnEnc: string;
  nameEnc: string;
  passwordHash: string;
  insurances: Insurance[];
  pensionBalanceCents: number | null;
  pensionAsOf: string | null;
  extraEnc: string;
  updatedAt: number;
}

/** A row to write; without `passwordHash` an existing person keeps their password. */
export type BackendPersonWrite = Omit<BackendPersonRecord, 'passwordHash'> & { passwordHash: string | null };

type Executor = Kysely<Database>;

function parseInsurances(text: string): Insurance[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { type, status } = item as Record<string, unknown>;
    return typeof type === 'string' && typeof status === 'string' ? [{ type, status }] : [];
  });
}

export async function findBackendPerson(db: Executor, ssnHash: string): Promise<BackendPersonRecord | null> {
  const row = await db
    .selectFrom('backend_persons')
    .selectAll()
    .where('ssn_hash', '=', ssnHash)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ssnHash: row.ssn_hash,
    ssnEnc: row.ssn_enc,
    nameEnc: row.name_enc,
    passwordHash: row.password_hash,
    insurances: parseInsurances(row.insurances),
    pensionBalanceCents: row.pension_balance_cents,
    pensionAsOf: row.pension_as_of,
    extraEnc: row.extra_enc,
    updatedAt: row.updated_at,
  };
}

/** Which of these hashes already have a row. */
export async function existingBackendPersons(
  db: Executor,
  ssnHashes: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ssnHashes.length; i += 500) {
    const chunk = ssnHashes.slice(i, i + 500);
    const rows = await db
      .selectFrom('backend_persons')
      .select('ssn_hash')
      .where('ssn_hash', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.ssn_hash);
  }
  return found;
}

/** The SSN token of some row, to check the data key against (null: the table is empty). */
export async function sampleBackendPersonToken(db: Executor): Promise<string | null> {
  const row = await db.selectFrom('backend_persons').select('ssn_enc').limit(1).executeTakeFirst();
  return row ? row.ssn_enc : null;
}

export async function countBackendPersons(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('backend_persons')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Writes the rows in one transaction: inserts new people, updates known ones. Returns how many
 * were new. A row without a password that matches nobody is not written and not counted (the
 * importer checks beforehand).
 */
export async function writeBackendPersons(
  db: Executor,
  rows: readonly BackendPersonWrite[],
): Promise<{ created: number; updated: number }> {
  return db.transaction().execute(async (tx) => {
    const known = await existingBackendPersons(
      tx,
      rows.map((r) => r.ssnHash),
    );
    let created = 0;
    let updated = 0;
    for (const r of rows) {
      const fields = {
        ssn_enc: r.ssnEnc,
        name_enc: r.nameEnc,
        insurances: JSON.stringify(r.insurances),
        pension_balance_cents: r.pensionBalanceCents,
        pension_as_of: r.pensionAsOf,
        extra_enc: r.extraEnc,
        updated_at: r.updatedAt,
        ...(r.passwordHash !== null && { password_hash: r.passwordHash }),
      };
      if (known.has(r.ssnHash)) {
        await tx.updateTable('backend_persons').set(fields).where('ssn_hash', '=', r.ssnHash).execute();
        updated += 1;
      } else if (r.passwordHash !== null) {
        await tx
          .insertInto('backend_persons')
          .values({ ...fields, ssn_hash: r.ssnHash, password_hash: r.passwordHash })
          // Another import writing the same person at the same moment: the later one wins.
          .onConflict((oc) => oc.column('ssn_hash').doUpdateSet(fields))
          .execute();
        known.add(r.ssnHash);
        created += 1;
      }
    }
    return { created, updated };
  });
}

/** Inserts the people not yet present and leaves the others as they are. Returns how many were new. */
export async function insertMissingBackendPersons(
  db: Executor,
  rows: readonly (BackendPersonWrite & { passwordHash: string })[],
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const known = await existingBackendPersons(
      tx,
      rows.map((r) => r.ssnHash),
    );
    const fresh = rows.filter((r) => !known.has(r.ssnHash));
    for (const r of fresh) {
      await tx
        .insertInto('backend_persons')
        .values({
          ssn_hash: r.ssnHash,
          ssn_enc: r.ssnEnc,
          name_enc: r.nameEnc,
          password_hash: r.passwordHash,
          insurances: JSON.stringify(r.insurances),
          pension_balance_cents: r.pensionBalanceCents,
          pension_as_of: r.pensionAsOf,
          extra_enc: r.extraEnc,
          updated_at: r.updatedAt,
        })
        .onConflict((oc) => oc.column('ssn_hash').doNothing())
        .execute();
    }
    return fresh.length;
  });
}

export async function setBackendPersonPassword(
  db: Executor,
  ssnHash: string,
  passwordHash: string,
  now = Date.now(),
): Promise<boolean> {
  const result = await db
    .updateTable('backend_persons')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('ssn_hash', '=', ssnHash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
