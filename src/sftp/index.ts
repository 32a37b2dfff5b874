/**
 * The SFTP batch interface (docs/sftp.md), as the composition root opens it: the listener
 * (server.ts) and the intake that takes the files (intake.ts), with their folders resolved from
 * `sftp.*` — by default beside the SQLite database (else ./data).
 */
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { InterfaceSendDeps } from '../pipeline/interface-send.js';
import type { AccessEntry } from '../store/access-log.js';
import type { IdAllocator } from '../store/ids.js';
import { SftpIntake } from './intake.js';
import { SftpListener } from './server.js';

export { parsePublicKey } from '../security/ssh-keys.js';

export interface SftpService {
  host: string;
  port: number;
  hostKeyFile: string;
  hostKeyCreated: boolean;
  intake: SftpIntake;
  close(): Promise<void>;
}

/** The folder beside the SQLite database, else ./data. */
export function sftpPaths(config: Config): { hostKeyFile: string; dir: string } {
  const url = config.database.url;
  const sqlite = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : '';
  const base = sqlite !== '' && sqlite !== ':memory:' ? dirname(resolve(sqlite)) : resolve('./data');
  return {
    hostKeyFile: config.sftp.hostKeyFile || join(base, 'sftp_host_key'),
    dir: config.sftp.dir || join(base, 'sftp'),
  };
}

export async function openSftp(deps: {
  config: Config;
  send: InterfaceSendDeps;
  ids: IdAllocator;
  logger: Logger;
  /** The interface access log, where every SFTP login and refusal is written. */
  accessLog?: { record(entry: AccessEntry): void } | undefined;
  /** Opens the sealed whole text of a reply stored masked. */
  openText?: (token: string) => string;
  now?: () => number;
}): Promise<SftpService> {
  const { config, logger } = deps;
  const paths = sftpPaths(config);
  const intake = new SftpIntake({
    send: deps.send,
    ids: deps.ids,
    dir: paths.dir,
    defaultSignature: config.citizen.signature,
    pollMs: config.sftp.pollMs,
    openText: deps.openText,
    logger: logger.child({ component: 'sftp-intake' }),
    ...(deps.now && { now: deps.now }),
  });
  const listener = new SftpListener({
    db: deps.send.db,
    settings: {
      host: config.sftp.host,
      port: config.sftp.port,
      hostKeyFile: paths.hostKeyFile,
      quotaBytes: config.sftp.quotaBytes,
      quotaFiles: config.sftp.quotaFiles,
      openWhenWhitelistEmpty: config.interface.openWhenWhitelistEmpty,
      // The interface's lock rules, counted apart (docs/sftp.md "Logging in").
      failureLimit: config.interface.passwordFailureLimit,
      failureWindowMs: config.interface.passwordLockSeconds * 1000,
      lockMs: config.interface.passwordLockSeconds * 1000,
    },
    accessLog: deps.accessLog,
    folderOf: (name) => intake.folderOf(name),
    completed: () => intake.wake(),
    writing: intake.writing,
    logger: logger.child({ component: 'sftp' }),
    ...(deps.now && { now: deps.now }),
  });
  const bound = await listener.listen();
  intake.start();
  return {
    ...bound,
    hostKeyFile: paths.hostKeyFile,
    hostKeyCreated: bound.hostKeyCreated,
    intake,
    async close() {
      await listener.close();
      await intake.close();
    },
  };
}
