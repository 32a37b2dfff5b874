/**
 * Password attempts per account, channel and source address (migrations 0040, 0095;
 * docs/security.md §2, docs/sftp.md): the interface password and the SFTP password are counted and
 * locked apart, by the same rules. `countAttempt` is one upsert: concurrent requests each get their
 * own number, so no more than the limit ever reach the password check. A lock that ran out, or a
 * window that passed, starts over.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, LockChannel } from './schema.js';

export type { LockChannel };

type Db = Kysely<Database>;

/** Whose attempts: the account's, from one address; the interface password unless `channel` says. */
export interface AttemptKey {
  appId: number;
  source: string;
  channel?: LockChannel;
}

export interface AttemptCount {
  attempts: number;
  lockedUntil: number;
}

export interface InterfaceLock {
  appId: number;
  appName: string;
  channel: LockChannel;
  source: string;
  attempts: number;
  lockedUntil: number;
}

const channelOf = (key: AttemptKey): LockChannel => key.channel ?? 'interface';

export async function countAttempt(
  db: Db,
  key: AttemptKey,
  now: number,
  windowMs: number,
): Promise<AttemptCount> {
  const stale = sql<boolean>`(interface_locks.locked_until <> 0 and interface_locks.locked_until <= ${now})
    or (interface_locks.locked_until = 0 and interface_locks.window_start <= ${now - windowMs})`;
  const row = await db
    .insertInto('interface_locks')
    .values({
      app_id: key.appId,
      channel: channelOf(key),
      source: key.source,
      attempts: 1,
      window_start: now,
      locked_until: 0,
    })
    .onConflict((oc) =>
      oc.columns(['app_id', 'channel', 'source']).doUpdateSet({
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
export async function lockSource(db: Db, key: AttemptKey, until: number): Promise<number> {
  const row = await db
    .updateTable('interface_locks')
    .set({
      locked_until: sql<number>`case when locked_until > ${until} then locked_until else ${until} end`,
    })
    .where('app_id', '=', key.appId)
    .where('channel', '=', channelOf(key))
    .where('source', '=', key.source)
    .returning('locked_until')
    .executeTakeFirst();
  return row?.locked_until ?? until;
}

/** The lock in force for this account and address, 0 when none. */
export async function lockedUntil(db: Db, key: AttemptKey, now: number): Promise<number> {
  const row = await db
    .selectFrom('interface_locks')
    .select('locked_until')
    .where('app_id', '=', key.appId)
    .where('channel', '=', channelOf(key))
    .where('source', '=', key.source)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.locked_until ?? 0;
}

/** A right password: the address starts afresh. */
export async function clearAttempts(db: Db, key: AttemptKey): Promise<void> {
  await db
    .deleteFrom('interface_locks')
    .where('app_id', '=', key.appId)
    .where('channel', '=', channelOf(key))
    .where('source', '=', key.source)
    .execute();
}

/** Locks in force, newest first: one account's, or every account's. */
export async function listInterfaceLocks(db: Db, now: number, appId?: number): Promise<InterfaceLock[]> {
  let q = db
    .selectFrom('interface_locks')
    .innerJoin('apps', 'apps.id', 'interface_locks.app_id')
    .select([
      'interface_locks.app_id',
      'apps.name',
      'interface_locks.channel',
      'interface_locks.source',
      'interface_locks.attempts',
      'interface_locks.locked_until',
    ])
    .where('interface_locks.locked_until', '>', now);
  if (appId !== undefined) q = q.where('interface_locks.app_id', '=', appId);
  const rows = await q.orderBy('interface_locks.locked_until', 'desc').execute();
  return rows.map((r) => ({
    appId: r.app_id,
    appName: r.name,
    channel: r.channel,
    source: r.source,
    attempts: r.attempts,
    lockedUntil: r.locked_until,
  }));
}

/**
 * Lifts an account's locks — the interface's and SFTP's, from one address or from all, or one
 * channel's when given; answers how many were lifted.
 */
export async function liftInterfaceLocks(
  db: Db,
  appId: number,
  source?: string,
  channel?: LockChannel,
): Promise<number> {
  let q = db.deleteFrom('interface_locks').where('app_id', '=', appId);
  if (source !== undefined) q = q.where('source', '=', source);
  if (channel !== undefined) q = q.where('channel', '=', channel);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
