/**
 * Who may log in over SFTP (docs/sftp.md), and the record of every login: the user name is the
 * account's appName; the account must be active and the address on its whitelist; then a registered
 * public key, or the SFTP password checked under the interface's lock rules (counted and locked per
 * account and address on the `sftp` channel, security/password-attempts.ts). Each outcome goes to the
 * interface access log with path `sftp:password` or `sftp:publickey` and the interface's codes: 1, 5
 * (address), 6 (account), 8 (password or key; "错误次数过多，已锁定至 …" when locked).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import ssh2 from 'ssh2';
import type { AuthContext } from 'ssh2';
import { formatBeijing } from '../domain/beijing-time.js';
import { cidrContains, parseCidrList } from '../domain/cidr.js';
import { result } from '../domain/result-codes.js';
import { countedPasswordCheck, type LockRules } from '../security/password-attempts.js';
import { verifyPassword } from '../security/passwords.js';
import type { AccessEntry } from '../store/access-log.js';
import { findAppByName, type AppRecord } from '../store/apps.js';
import type { Database } from '../store/schema.js';
import { getSftpCredentials } from '../store/sftp.js';

export interface LoginRules extends LockRules {
  /** An account with an empty whitelist may log in from anywhere (interface.openWhenWhitelistEmpty). */
  openWhenWhitelistEmpty: boolean;
}

/**
 * `accepted`: logged in (or, for a public key offered without a signature, the key would do);
 * `refused`: with the access log's code and message. `attempt` marks a refusal that is one try on
 * its own (a password); other refusals are written once, if the connection never logs in, since
 * clients offer their keys one after another.
 */
export type LoginVerdict =
  { accepted: true; app: AppRecord } | { accepted: false; code: number; msg: string; attempt: boolean };

const refused = (
  name: 'IP' | 'APP' | 'PASSWORD',
  detail: string | undefined,
  attempt: boolean,
): LoginVerdict => {
  const body = result(name, detail);
  return { accepted: false, code: body.code, msg: body.msg, attempt };
};

export async function checkLogin(
  db: Kysely<Database>,
  rules: LoginRules,
  ctx: AuthContext,
  address: string,
  now: () => number,
): Promise<LoginVerdict> {
  const app = await findAppByName(db, ctx.username);
  // A name that is not a plain folder name (`..`) never gets a folder.
  if (app?.status !== 'active' || app.name.startsWith('.'))
    return refused('APP', undefined, ctx.method === 'password');
  const { blocks } = parseCidrList(app.ipWhitelist.join(','));
  const allowed =
    blocks.length === 0 ? rules.openWhenWhitelistEmpty : blocks.some((b) => cidrContains(b, address));
  if (!allowed) return refused('IP', `来源地址 ${address} 不在白名单内`, ctx.method === 'password');
  const creds = await getSftpCredentials(db, app.id);
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
      if (!ctx.signature || !ctx.blob) return { accepted: true, app };
      return parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)
        ? { accepted: true, app }
        : refused('PASSWORD', '公钥签名无效 (bad key signature)', false);
    }
    return refused('PASSWORD', '公钥未登记到该账户 (public key not registered)', false);
  }
  if (ctx.method !== 'password') return refused('PASSWORD', undefined, false);
  const hash = creds.passwordHash;
  // Nothing to guess: not counted.
  if (hash === null) return refused('PASSWORD', '该账户未设置 SFTP 密码 (no SFTP password set)', true);
  const verdict = await countedPasswordCheck(
    db,
    { appId: app.id, channel: 'sftp', source: address },
    rules,
    now,
    () => verifyPassword(hash, ctx.password),
  );
  if (verdict.ok) return { accepted: true, app };
  if (verdict.lockedUntil !== null)
    return refused(
      'PASSWORD',
      `错误次数过多，已锁定至 ${formatBeijing(verdict.lockedUntil, 'HH:mm:ss')}`,
      true,
    );
  return refused('PASSWORD', 'SFTP 密码 (SFTP password)', true);
}

/** The access log's row for one SFTP login or refusal. */
export function loginEntry(
  at: number,
  startedAt: number,
  appName: string,
  address: string,
  method: string,
  outcome: { code: number; msg: string | null },
): AccessEntry {
  return {
    at,
    app_name: appName.slice(0, 64),
    source_ip: address,
    path: `sftp:${method}`,
    code: outcome.code,
    numbers: 0,
    duration_ms: Math.max(0, at - startedAt),
    msg: outcome.msg?.slice(0, 200) ?? null,
  };
}
