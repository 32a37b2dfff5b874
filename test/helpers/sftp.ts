/**
 * SFTP in tests: a listener on its own (src/sftp/server.ts) over a test store, OpenSSH's `sftp` run
 * with a batch of commands, and one ssh2 login.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import ssh2 from 'ssh2';
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

const run = promisify(execFile);

/** Runs a batch of sftp commands; a leading `-` lets the batch go on past a refused command. */
export async function runSftp(
  port: number,
  user: string,
  key: string,
  commands: string[],
  cwd: string,
): Promise<{ code: number; out: string }> {
  const batch = join(cwd, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, `${commands.join('\n')}\n`);
  try {
    const { stdout, stderr } = await run(
      'sftp',
      [
        '-b',
        batch,
        '-i',
        key,
        '-P',
        String(port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'LogLevel=ERROR',
        `${user}@127.0.0.1`,
      ],
      { cwd, timeout: 20_000 },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

export type SshLogin = { username: string } & ({ password: string } | { privateKey: string });

/** Logs in over SSH with ssh2 and out again; resolves whether the server let the client in. */
export function sshLogin(port: number, how: SshLogin): Promise<boolean> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    client.on('error', () => resolve(false));
    client.on('ready', () => {
      client.end();
      resolve(true);
    });
    client.connect({ host: '127.0.0.1', port, readyTimeout: 10_000, ...how });
  });
}
