/**
 * Interface password attempts per account and source address (migration 0040, docs/security.md §2).
 * `countAttempt` is one upsert: concurrent requests each get their own number, so no more than the
 * limit ever reach the password check. A lock that ran out, or a window that passed, starts over.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export interface AttemptCount {
  attempts: number;
  lockedUntil: number;
}

export interface InterfaceLock {
  appId: number;
  appName: string;
  source: string;
  attempts: number;
  lockedUntil: number;
}

export async function countAttempt(
  db: Db,
  key: { appId: number; source: string },
  now: number,
  windowMs: number,
): Promise<AttemptCount> {
  const stale = sql<boolean>`(interface_locks.locked_until <> 0 and interface_locks.locked_until <= ${now})
    or (interface_locks.locked_until = 0 and interface_locks.window_start <= ${now - windowMs})`;
  const row = await db
    .insertInto('interface_locks')
    .values({ app_id: key.appId, source: key.source, attempts: 1, window_start: now, locked_until: 0 })
    .onConflict((oc) =>
      oc.columns(['app_id', 'source']).doUpdateSet({
        attempts: sql<number>`case when ${stale} then 1 else interface_locks.attempts + 1 end`,
        window_start: sql<number>`case when ${stale} then ${now} else interface_locks.window_start end`,
        locked_until: sql<number>`case when ${stale} then 0 else interface_locks.locked_until end`,
      }),
    )
    .returning(['attempts', 'locked_until'])
    .executeTakeFirstOrThrow();
  return { attempts: row.attempts, lockedUntil: row.locked_until };
}

/** Locks until `until` unless already locked longer; answers the lock in force. */
export async function lockSource(
  db: Db,
  key: { appId: number; source: string },
  until: number,
): Promise<number> {
  const row = await db
    .updateTable('interface_locks')
    .set({
      locked_until: sql<number>`case when locked_until > ${until} then locked_until else ${until} end`,
    })
    .where('app_id', '=', key.appId)
    .where('source', '=', key.source)
    .returning('locked_until')
    .executeTakeFirst();
  return row?.locked_until ?? until;
}

/** The lock in force for this account and address, 0 when none. */
export async function lockedUntil(
  db: Db,
  key: { appId: number; source: string },
  now: number,
): Promise<number> {
  const row = await db
    .selectFrom('interface_locks')
    .select('locked_until')
    .where('app_id', '=', key.appId)
    .where('source', '=', key.source)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.locked_until ?? 0;
}

/** A right password: the address starts afresh. */
export async function clearAttempts(db: Db, key: { appId: number; source: string }): Promise<void> {
  await db
    .deleteFrom('interface_locks')
    .where('app_id', '=', key.appId)
    .where('source', '=', key.source)
    .execute();
}

/** Locks in force, newest first. */
export async function listInterfaceLocks(db: Db, now: number): Promise<InterfaceLock[]> {
  const rows = await db
    .selectFrom('interface_locks')
    .innerJoin('apps', 'apps.id', 'interface_locks.app_id')
    .select([
      'interface_locks.app_id',
      'apps.name',
      'interface_locks.source',
      'interface_locks.attempts',
      'interface_locks.locked_until',
    ])
    .where('interface_locks.locked_until', '>', now)
    .orderBy('interface_locks.locked_until', 'desc')
    .execute();
  return rows.map((r) => ({
    appId: r.app_id,
    appName: r.name,
    source: r.source,
    attempts: r.attempts,
    lockedUntil: r.locked_until,
  }));
}

/** Lifts an account's locks (from one address, or from all); answers how many were lifted. */
export async function liftInterfaceLocks(db: Db, appId: number, source?: string): Promise<number> {
  let q = db.deleteFrom('interface_locks').where('app_id', '=', appId);
  if (source !== undefined) q = q.where('source', '=', source);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
