/**
 * Who is calling: the account by appName (cached briefly, so a freeze takes effect within a
 * second), its IP whitelist, and its password. An argon2id check costs tens of milliseconds, so a
 * password proven right is remembered as a keyed HMAC bound to the stored hash: later requests
 * compare HMACs in constant time, and changing the password invalidates it. Wrong passwords lock
 * the account's interface access from that address for a while (store/interface-locks.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { cidrContains, parseCidrList, type Cidr } from '../domain/cidr.js';
import { verifyPassword } from '../security/passwords.js';
import { findAppByCertificate, findAppByName, listApps, type AppRecord } from '../store/apps.js';
import { countedPasswordCheck, type PasswordVerdict } from '../security/password-attempts.js';
import { lockedUntil } from '../store/interface-locks.js';
import type { Database } from '../store/schema.js';

export interface CredentialSettings {
  cacheMs: number;
  failureLimit: number;
  failureWindowMs: number;
  lockMs: number;
  openWhenWhitelistEmpty: boolean;
  /** Stands in for an account's empty signature, so no message leaves unsigned (standard §6.1). */
  defaultSignature: string;
}

interface CachedApp {
  app: AppRecord | null;
  blocks: Cidr[];
  loadedAt: number;
}


export class Credentials {
  private readonly apps = new Map<string, CachedApp>();
  private readonly certificates = new Map<string, { owner: string | null; loadedAt: number }>();
  private readonly proven = new Map<number, { hash: string; mac: Buffer }>();
  private readonly checking = new Map<string, Promise<PasswordVerdict>>();
  private readonly locks = new Map<string, { until: number; loadedAt: number }>();
  private readonly key = randomBytes(32);
  private everyone: { blocks: Cidr[]; open: boolean; loadedAt: number } | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: CredentialSettings,
    private readonly now: () => number = Date.now,
    private readonly verify: (stored: string, password: string) => Promise<boolean> = verifyPassword,
  ) {}

  async findApp(name: string): Promise<{ app: AppRecord; blocks: Cidr[] } | null> {
    const now = this.now();
    let cached = this.apps.get(name);
    if (!cached || now - cached.loadedAt > this.settings.cacheMs) {
      const stored = await findAppByName(this.db, name);
      // A province platform's account relays texts signed by the province (docs/federation.md): it
      // keeps its empty signature; any other account without one sends under the platform's.
      const relays = stored?.province != null && stored.signature === '';
      const app = stored && {
        ...stored,
        signature: relays ? '' : stored.signature || this.settings.defaultSignature,
      };
      cached = { app, blocks: app ? parseCidrList(app.ipWhitelist.join(',')).blocks : [], loadedAt: now };
      if (this.apps.size > 10_000) this.apps.clear();
      this.apps.set(name, cached);
    }
    return cached.app ? { app: cached.app, blocks: cached.blocks } : null;
  }

  /** The account a client certificate is registered to (cached like accounts). */
  async certificateOwner(fingerprint: string): Promise<string | null> {
    const now = this.now();
    const cached = this.certificates.get(fingerprint);
    if (cached && now - cached.loadedAt <= this.settings.cacheMs) return cached.owner;
    const owner = await findAppByCertificate(this.db, fingerprint);
    if (this.certificates.size > 10_000) this.certificates.clear();
    this.certificates.set(fingerprint, { owner, loadedAt: now });
    return owner;
  }

  /** Forgets a cached account (after it was changed here). */
  invalidate(name: string): void {
    this.apps.delete(name);
    this.everyone = null;
  }

  /**
   * Whether any active account admits this address: checked when a request arrives, before its body
   * (which names the account) is read, so a host no account lists cannot hold a connection open by
   * sending it slowly.
   */
  async addressKnown(address: string): Promise<boolean> {
    const now = this.now();
    if (!this.everyone || now - this.everyone.loadedAt > this.settings.cacheMs) {
      const active = (await listApps(this.db)).filter((a) => a.status === 'active');
      this.everyone = {
        blocks: active.flatMap((a) => parseCidrList(a.ipWhitelist.join(',')).blocks),
        open: this.settings.openWhenWhitelistEmpty && active.some((a) => a.ipWhitelist.length === 0),
        loadedAt: now,
      };
    }
    return this.everyone.open || this.everyone.blocks.some((b) => cidrContains(b, address));
  }

  ipAllowed(blocks: readonly Cidr[], address: string): boolean {
    if (blocks.length === 0) return this.settings.openWhenWhitelistEmpty;
    return blocks.some((b) => cidrContains(b, address));
  }

  /**
   * Checks a password sent from `source`. A password proven before is compared by HMAC (still
   * refused while the address is locked); any other is first counted in the database — the count
   * decides whether argon2 runs at all — so concurrent guesses get at most `failureLimit` checks.
   * Concurrent requests with the same password from the same address share one count and check.
   */
  async checkPassword(app: AppRecord, password: string, source: string): Promise<PasswordVerdict> {
    const key = { appId: app.id, source };
    const mac = createHmac('sha256', this.key)
      .update(app.passwordHash)
      .update('\u0000')
      .update(password)
      .digest();
    const known = this.proven.get(app.id);
    if (known?.hash === app.passwordHash && timingSafeEqual(known.mac, mac)) {
      const until = await this.lockOf(key);
      return until > this.now() ? { ok: false, lockedUntil: until } : { ok: true };
    }
    const flightKey = `${app.id}:${source}:${mac.toString('base64')}`;
    let flight = this.checking.get(flightKey);
    if (!flight) {
      flight = this.attempt(app, password, key, mac).finally(() => this.checking.delete(flightKey));
      this.checking.set(flightKey, flight);
    }
    return flight;
  }

  /** Forgets what this process knows of an account's locks (after an administrator lifted them). */
  forgetLocks(appId: number): void {
    for (const k of this.locks.keys()) if (k.startsWith(`${appId}:`)) this.locks.delete(k);
  }

  private async attempt(
    app: AppRecord,
    password: string,
    key: { appId: number; source: string },
    mac: Buffer,
  ): Promise<PasswordVerdict> {
    const verdict = await countedPasswordCheck(this.db, key, this.settings, this.now, () =>
      this.verify(app.passwordHash, password),
    );
    if (verdict.ok) {
      this.proven.set(app.id, { hash: app.passwordHash, mac });
      this.locks.delete(lockKey(key));
    } else if (verdict.lockedUntil !== null) return this.locked(key, verdict.lockedUntil);
    return verdict;
  }

  private locked(key: { appId: number; source: string }, until: number): PasswordVerdict {
    if (this.locks.size > 10_000) this.locks.clear();
    this.locks.set(lockKey(key), { until, loadedAt: this.now() });
    return { ok: false, lockedUntil: until };
  }

  /** The lock on this account and address, read at most once per cacheMs. */
  private async lockOf(key: { appId: number; source: string }): Promise<number> {
    const now = this.now();
    const cached = this.locks.get(lockKey(key));
    if (cached && now - cached.loadedAt <= this.settings.cacheMs) return cached.until;
    const until = await lockedUntil(this.db, key, now);
    if (this.locks.size > 10_000) this.locks.clear();
    this.locks.set(lockKey(key), { until, loadedAt: now });
    return until;
  }
}

function lockKey(key: { appId: number; source: string }): string {
  return `${key.appId}:${key.source}`;
}
