/** An SFTP listener on its own (src/sftp/server.ts) over a test store, in a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { silentLogger } from '../../src/shared/log.js';
import { AccountFolder } from '../../src/sftp/folder.js';
import { SftpListener, type SftpListenerSettings } from '../../src/sftp/server.js';
import type { AccessEntry } from '../../src/store/access-log.js';
import type { Database } from '../../src/store/schema.js';

export async function openTestListener(
  db: Kysely<Database>,
  settings: Partial<SftpListenerSettings> = {},
  accessLog?: { record(entry: AccessEntry): void },
): Promise<{ port: number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-sftp-listener-'));
  const listener = new SftpListener({
    db,
    settings: {
      host: '127.0.0.1',
      port: 0,
      hostKeyFile: join(dir, 'host'),
      quotaBytes: 1 << 20,
      quotaFiles: 10,
      openWhenWhitelistEmpty: false,
      failureLimit: 5,
      failureWindowMs: 60_000,
      lockMs: 60_000,
      ...settings,
    },
    folderOf: (name) => new AccountFolder(join(dir, 'accounts', name)),
    completed: () => undefined,
    writing: new Set(),
    accessLog,
    logger: silentLogger(),
  });
  const { port } = await listener.listen();
  return {
    port,
    async close() {
      await listener.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
