/**
 * Who is calling: the account by appName (cached briefly, so a freeze takes effect within a
 * second), its IP whitelist, and its password. An argon2id check costs tens of milliseconds, so a
 * password proven right is remembered as a keyed HMAC bound to the stored hash: later requests
 * compare HMACs in constant time, and changing the password invalidates it. Repeated wrong
 * passwords lock the account's interface access for a while without spending argon2 on them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { cidrContains, parseCidrList, type Cidr } from '../domain/cidr.js';
import { verifyPassword } from '../security/passwords.js';
import { findAppByCertificate, findAppByName, type AppRecord } from '../store/apps.js';
import type { Database } from '../store/schema.js';

export interface CredentialSettings {
  cacheMs: number;
  failureLimit: number;
  failureWindowMs: number;
  lockMs: number;
  openWhenWhitelistEmpty: boolean;
}

interface CachedApp {
  app: AppRecord | null;
  blocks: Cidr[];
  loadedAt: number;
}

interface Failures {
  times: number[];
  lockedUntil: number;
}

export type PasswordVerdict = { ok: true } | { ok: false; lockedUntil: number | null };

export class Credentials {
  private readonly apps = new Map<string, CachedApp>();
  private readonly certificates = new Map<string, { owner: string | null; loadedAt: number }>();
  private readonly proven = new Map<number, { hash: string; mac: Buffer }>();
  private readonly checking = new Map<string, Promise<boolean>>();
  private readonly failures = new Map<number, Failures>();
  private readonly key = randomBytes(32);

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
      const app = await findAppByName(this.db, name);
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
  }

  ipAllowed(blocks: readonly Cidr[], address: string): boolean {
    if (blocks.length === 0) return this.settings.openWhenWhitelistEmpty;
    return blocks.some((b) => cidrContains(b, address));
  }

  async checkPassword(app: AppRecord, password: string): Promise<PasswordVerdict> {
    const now = this.now();
    const f = this.failures.get(app.id);
    if (f && f.lockedUntil > now) return { ok: false, lockedUntil: f.lockedUntil };
    const mac = createHmac('sha256', this.key)
      .update(app.passwordHash)
      .update('\u0000')
      .update(password)
      .digest();
    const known = this.proven.get(app.id);
    if (known?.hash === app.passwordHash && timingSafeEqual(known.mac, mac)) return { ok: true };

    // Concurrent first requests with the same password share one argon2 check.
    const flightKey = `${app.id}:${mac.toString('base64')}`;
    let flight = this.checking.get(flightKey);
    if (!flight) {
      flight = this.verify(app.passwordHash, password).finally(() => this.checking.delete(flightKey));
      this.checking.set(flightKey, flight);
    }
    if (await flight) {
      this.proven.set(app.id, { hash: app.passwordHash, mac });
      this.failures.delete(app.id);
      return { ok: true };
    }
    return { ok: false, lockedUntil: this.recordFailure(app.id, this.now()) };
  }

  private recordFailure(appId: number, now: number): number | null {
    const f = this.failures.get(appId) ?? { times: [], lockedUntil: 0 };
    f.times = f.times.filter((t) => t > now - this.settings.failureWindowMs);
    f.times.push(now);
    if (f.times.length >= this.settings.failureLimit) {
      f.lockedUntil = now + this.settings.lockMs;
      f.times = [];
    }
    this.failures.set(appId, f);
    return f.lockedUntil > now ? f.lockedUntil : null;
  }
}
