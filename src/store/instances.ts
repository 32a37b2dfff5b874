/**
 * Platform processes sharing one database register here and keep a heartbeat, so a survivor can
 * tell a dead owner's leases from a live one's: dead = its heartbeat is stale, or it ran on this
 * host and its pid no longer exists (which lets a restart after kill -9 resume at once).
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

export async function heartbeat(db: Kysely<Database>, id: string, now: number): Promise<void> {
  await db.updateTable('instances').set({ heartbeat_at: now }).where('id', '=', id).execute();
}

export async function unregisterInstance(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('instances').where('id', '=', id).execute();
}

export async function findDeadInstances(
  db: Kysely<Database>,
  opts: { self: string; host: string; now: number; staleMs: number; isAlive: (pid: number) => boolean },
): Promise<string[]> {
  const rows = await db.selectFrom('instances').selectAll().where('id', '!=', opts.self).execute();
  return rows
    .filter((r) => r.heartbeat_at < opts.now - opts.staleMs || (r.host === opts.host && !opts.isAlive(r.pid)))
    .map((r) => r.id);
}

export async function forgetInstances(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('instances').where('id', 'in', ids).execute();
}
