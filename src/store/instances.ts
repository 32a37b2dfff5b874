/**
 * Platform processes sharing one database register here and keep a heartbeat. A process that ran
 * on this host and whose pid no longer exists is gone for certain: its leases return at once (a
 * restart or a peer after kill -9 resumes without waiting). A stale heartbeat proves nothing — the
 * process may only be paused and still hold PDUs to write — so its leases return only when they
 * run out (docs/multinode.md); its row is forgotten, and it registers again if it comes back.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function registerInstance(
  db: Kysely<Database>,
  id: string,
  host: string,
  pid: number,
  now: number,
): Promise<void> {
  await db.insertInto('instances').values({ id, host, pid, started_at: now, heartbeat_at: now }).execute();
}

/** Refreshes this process's row; a row a peer forgot while this process was paused is made again. */
export async function heartbeat(
  db: Kysely<Database>,
  self: { id: string; host: string; pid: number },
  now: number,
): Promise<'beat' | 'registered'> {
  const result = await db
    .updateTable('instances')
    .set({ heartbeat_at: now })
    .where('id', '=', self.id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return 'beat';
  await db
    .insertInto('instances')
    .values({ id: self.id, host: self.host, pid: self.pid, started_at: now, heartbeat_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
    .execute();
  return 'registered';
}

export async function unregisterInstance(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('instances').where('id', '=', id).execute();
}

export interface SilentInstances {
  /** Ran on this host and its pid is gone: certainly dead. */
  gone: string[];
  /** Heartbeat older than `staleMs` (and not gone): dead or only paused. */
  stale: string[];
}

export async function findSilentInstances(
  db: Kysely<Database>,
  opts: { self: string; host: string; now: number; staleMs: number; isAlive: (pid: number) => boolean },
): Promise<SilentInstances> {
  const rows = await db.selectFrom('instances').selectAll().where('id', '!=', opts.self).execute();
  const out: SilentInstances = { gone: [], stale: [] };
  for (const r of rows) {
    if (r.host === opts.host && !opts.isAlive(r.pid)) out.gone.push(r.id);
    else if (r.heartbeat_at < opts.now - opts.staleMs) out.stale.push(r.id);
  }
  return out;
}

export async function forgetInstances(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('instances').where('id', 'in', ids).execute();
}
