/**
 * The SFTP listener (docs/sftp.md): SSH on ssh2, the `sftp` subsystem only. The user name is the
 * account's appName; it logs in with a registered public key or its SFTP password, from an address
 * its IP whitelist allows, while the account is active. Its session sees its own folder only
 * (session.ts). The host key is read from `sftp.hostKeyFile`, made on first start (0600).
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import ssh2 from 'ssh2';
import type { AuthContext, Connection } from 'ssh2';
import { cidrContains, parseCidrList } from '../domain/cidr.js';
import { verifyPassword } from '../security/passwords.js';
import { findAppByName, type AppRecord } from '../store/apps.js';
import type { Database } from '../store/schema.js';
import { getSftpCredentials } from '../store/sftp.js';
import type { AccountFolder } from './folder.js';
import { serveSftp, type SessionLimits } from './session.js';

export interface SftpListenerSettings extends SessionLimits {
  host: string;
  port: number;
  hostKeyFile: string;
  /** An account with an empty whitelist may log in from anywhere (interface.openWhenWhitelistEmpty). */
  openWhenWhitelistEmpty: boolean;
}

export interface SftpListenerDeps {
  db: Kysely<Database>;
  settings: SftpListenerSettings;
  folderOf(appName: string): AccountFolder;
  /** A completed file is in the account's inbox. */
  completed(app: AppRecord, name: string): void;
  /** Real paths being written; the intake leaves them alone. */
  writing: Set<string>;
  logger: Logger;
}

/** The server's private key: read, or made once (ed25519, OpenSSH format, 0600). */
export function loadHostKey(file: string): { key: Buffer; created: boolean } {
  if (existsSync(file)) return { key: readFileSync(file), created: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  return { key: Buffer.from(pair.private), created: true };
}

/** Whether an OpenSSH public key line parses: what `app add --sftp-key` accepts. */
export function parsePublicKey(line: string): { algo: string; blob: Buffer } | null {
  const parsed = ssh2.utils.parseKey(line.trim());
  const key = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  if (key instanceof Error || key === undefined) return null;
  const k = key as ssh2.ParsedKey;
  if (k.isPrivateKey()) return null;
  return { algo: k.type, blob: k.getPublicSSH() };
}

async function accountFor(
  deps: SftpListenerDeps,
  ctx: AuthContext,
  address: string,
): Promise<AppRecord | null> {
  const app = await findAppByName(deps.db, ctx.username);
  // A name that is not a plain folder name (`..`) never gets a folder.
  if (app?.status !== 'active' || app.name.startsWith('.')) return null;
  const { blocks } = parseCidrList(app.ipWhitelist.join(','));
  const allowed =
    blocks.length === 0 ? deps.settings.openWhenWhitelistEmpty : blocks.some((b) => cidrContains(b, address));
  if (!allowed) {
    deps.logger.warn({ app: app.name, address }, 'sftp login from an address outside the whitelist');
    return null;
  }
  const creds = await getSftpCredentials(deps.db, app.id);
  if (ctx.method === 'publickey') {
    for (const line of creds.publicKeys) {
      const parsed = ssh2.utils.parseKey(line);
      if (parsed instanceof Error || Array.isArray(parsed)) continue;
      const blob = parsed.getPublicSSH();
      if (
        parsed.type !== ctx.key.algo ||
        blob.length !== ctx.key.data.length ||
        !timingSafeEqual(blob, ctx.key.data)
      )
        continue;
      // Without a signature the client only asks whether the key would do.
      if (!ctx.signature || !ctx.blob) return app;
      return parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) ? app : null;
    }
    return null;
  }
  if (ctx.method === 'password' && creds.passwordHash !== null)
    return (await verifyPassword(creds.passwordHash, ctx.password)) ? app : null;
  return null;
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
    let app: AppRecord | null = null;
    client.on('error', (err) => log.debug({ err: err.message, ip }, 'sftp connection error'));
    client.on('close', () => this.clients.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' && ctx.method !== 'password')
        return ctx.reject(['publickey', 'password']);
      accountFor(this.deps, ctx, ip).then(
        (found) => {
          if (found) {
            app = found;
            ctx.accept();
          } else {
            if (ctx.method === 'password' || ctx.signature)
              log.info({ app: ctx.username, ip, method: ctx.method }, 'sftp login refused');
            ctx.reject(['publickey', 'password']);
          }
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
