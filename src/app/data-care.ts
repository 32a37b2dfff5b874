/**
 * The platform's care of its own data, started with it: retention (pipeline/retention.ts) and the
 * scheduled backups of `backup.schedule` (pipeline/backups.ts), each off the serving event loop —
 * pruning in small batches, backups in a worker thread.
 */
import type { Logger } from 'pino';
import { deriveAuditKey } from '../audit/log.js';
import type { Config } from '../config/schema.js';
import { BackupScheduler } from '../pipeline/backups.js';
import { Retention } from '../pipeline/retention.js';
import { readDataMasterKey } from '../security/personal-data.js';
import type { DatabaseHandle } from '../store/connect.js';

export interface DataCare {
  readonly retention: Retention;
  readonly backups: BackupScheduler | null;
  stop(): Promise<void>;
}

export function startDataCare(deps: {
  config: Config;
  handle: DatabaseHandle;
  logger: Logger;
  now: () => number;
}): DataCare {
  const { config, handle, logger, now } = deps;
  const retention = new Retention(handle, config.retention, logger.child({ component: 'retention' }), now);
  retention.start();
  let backups: BackupScheduler | null = null;
  if (config.backup.schedule !== null) {
    // The key exists by now: the citizens' services read or created it.
    const masterKey = readDataMasterKey(config);
    backups = new BackupScheduler(
      {
        handle,
        databaseUrl: config.database.url,
        masterKey,
        auditKey: deriveAuditKey(masterKey),
        pgDump: config.backup.pgDump,
        now,
      },
      config.backup,
      logger.child({ component: 'backup' }),
    );
    backups.start();
  }
  return {
    retention,
    backups,
    async stop() {
      await retention.stop();
      await backups?.stop();
    },
  };
}
