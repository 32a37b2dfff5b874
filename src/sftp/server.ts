/**
 * The SFTP listener (docs/sftp.md): SSH on ssh2, the `sftp` subsystem only. The user name is the
 * account's appName; it logs in with a registered public key or its SFTP password, from an address
 * its IP whitelist allows, while the account is active. Its session sees its own folder only
 * (session.ts). The host key is read from `sftp.hostKeyFile`, made on first start (0600).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import type { AccessEntry } from '../store/access-log.js';
import type { AppRecord } from '../store/apps.js';
import type { Database } from '../store/schema.js';
import type { AccountFolder } from './folder.js';
import { checkLogin, loginEntry, type LoginRules, type LoginVerdict } from './logins.js';
import { serveSftp, type SessionLimits } from './session.js';

export interface SftpListenerSettings extends SessionLimits, LoginRules {
  host: string;
  port: number;
  hostKeyFile: string;
}

export interface SftpListenerDeps {
  db: Kysely<Database>;
  settings: SftpListenerSettings;
  folderOf(appName: string): AccountFolder;
  /** A completed file is in the account's inbox. */
  completed(app: AppRecord, name: string): void;
  /** Real paths being written; the intake leaves them alone. */
  writing: Set<string>;
  /** The interface access log: every login and refusal is written to it. */
  accessLog?: { record(entry: AccessEntry): void } | undefined;
  logger: Logger;
  now?: () => number;
}

/** The server's private key: read, or made once (ed25519, OpenSSH format, 0600). */
export function loadHostKey(file: string): { key: Buffer; created: boolean } {
  if (existsSync(file)) return { key: readFileSync(file), created: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  return { key: Buffer.from(pair.private), created: true };
}

export class SftpListener {
  private server: ssh2.Server | null = null;
  private readonly clients = new Set<Connection>();

  constructor(private readonly deps: SftpListenerDeps) {}

  async listen(): Promise<{ host: string; port: number; hostKeyCreated: boolean }> {
    const { key, created } = loadHostKey(this.deps.settings.hostKeyFile);
    const server = new ssh2.Server({ hostKeys: [key], ident: 'sms12333' }, (client, info) =>
      this.connection(client, info.ip),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.deps.settings.port, this.deps.settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return { host: this.deps.settings.host, port: address.port, hostKeyCreated: created };
  }

  private connection(client: Connection, ip: string): void {
    this.clients.add(client);
    const log = this.deps.logger;
    const now = this.deps.now ?? Date.now;
    const startedAt = now();
    const record = (name: string, method: string, outcome: { code: number; msg: string | null }): void =>
      this.deps.accessLog?.record(loginEntry(now(), startedAt, name, ip, method, outcome));
    let app: AppRecord | null = null;
    let method = 'publickey';
    // A refusal that is not an attempt of its own, written if the connection never logs in.
    let unwritten: { name: string; method: string; verdict: LoginVerdict & { accepted: false } } | null =
      null;
    client.on('error', (err) => log.debug({ err: err.message, ip }, 'sftp connection error'));
    client.on('close', () => {
      this.clients.delete(client);
      if (!app && unwritten) record(unwritten.name, unwritten.method, unwritten.verdict);
    });
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' && ctx.method !== 'password')
        return ctx.reject(['publickey', 'password']);
      checkLogin(this.deps.db, this.deps.settings, ctx, ip, now).then(
        (verdict) => {
          if (verdict.accepted) {
            // A key offered without a signature is only asked about: the login follows signed.
            if (ctx.method === 'password' || ctx.signature) {
              app = verdict.app;
              method = ctx.method;
            }
            return ctx.accept();
          }
          log.info({ app: ctx.username, ip, method: ctx.method, code: verdict.code }, 'sftp login refused');
          if (verdict.attempt) record(ctx.username, ctx.method, verdict);
          else unwritten = { name: ctx.username, method: ctx.method, verdict };
          ctx.reject(['publickey', 'password']);
        },
        (err: unknown) => {
          log.error({ err, ip }, 'sftp login check failed');
          ctx.reject(['publickey', 'password']);
        },
      );
    });
    client.on('ready', () => {
      const account = app;
      if (!account) return client.end();
      log.info({ app: account.name, ip }, 'sftp login');
      record(account.name, method, { code: 1, msg: null });
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          const folder = this.deps.folderOf(account.name);
          try {
            // Made before the stream is accepted: the client's first request follows at once.
            folder.ensureNow();
          } catch (err) {
            log.error({ err, app: account.name }, 'sftp folder unavailable');
            return;
          }
          serveSftp(acceptSftp(), folder, this.deps.settings, {
            writing: this.deps.writing,
            completed: (name) => this.deps.completed(account, name),
          });
        });
        // No shell, no commands: SFTP only.
        session.on('exec', (_accept, reject) => reject());
        session.on('shell', (_accept, reject) => reject());
        session.on('pty', (_accept, reject) => reject());
      });
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
