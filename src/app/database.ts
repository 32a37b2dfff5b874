/**
 * The database a platform process serves from, and its place among the processes sharing it:
 * each registers an instance row; SQLite is one process's database, so a live platform already
 * on it is refused rather than joined.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { AppError } from '../shared/errors.js';
import { pidAlive } from '../pipeline/sweeper.js';
import { openDatabase, type DatabaseHandle } from '../store/connect.js';
import { findSilentInstances, registerInstance } from '../store/instances.js';

export interface JoinedDatabase {
  handle: DatabaseHandle;
  instanceId: string;
  host: string;
}

export async function joinDatabase(config: Config, now: number): Promise<JoinedDatabase> {
  const handle = await openDatabase(config.database.url, {
    sqliteSynchronous: config.database.sqliteSynchronous,
    poolSize: config.database.poolSize,
    // A group commit is milliseconds of work: a transaction idle for seconds belongs to a paused
    // process, whose locks must not hold its peers up for longer (docs/multinode.md).
    sessionLimits: { idleInTransactionMs: 5000, lockTimeoutMs: 5000 },
    applicationName: `sms12333 pid ${process.pid}`,
  });
  const instanceId = randomUUID();
  const host = hostname();
  try {
    if (handle.caps.dialect === 'sqlite') {
      const others = await handle.db.selectFrom('instances').select(['id', 'pid', 'host']).execute();
      const silent = await findSilentInstances(handle.db, {
        self: instanceId,
        host,
        now,
        staleMs: 15_000,
        isAlive: pidAlive,
      });
      const dead = new Set([...silent.gone, ...silent.stale]);
      const live = others.filter((o) => !dead.has(o.id));
      if (live.length > 0)
        throw new AppError(
          'ERR_STORE_LOCKED',
          `pid ${live.map((l) => l.pid).join(',')} on ${live[0]?.host ?? host}`,
        );
    }
    await registerInstance(handle.db, instanceId, host, process.pid, now);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return { handle, instanceId, host };
}
