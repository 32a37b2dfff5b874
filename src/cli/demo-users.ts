/**
 * The demo's console accounts: on a database without console users, `serve --demo`
 * creates one account per duty with a generated one-time password — never a fixed default — and
 * keeps the passwords in the demo secrets file (mode 0600) so the banner can show them on every
 * start until the user has changed theirs. Administrators enrol a second factor at their first
 * login (console.requireTotpFor).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { appendAudit, type AuditKey } from '../audit/log.js';
import type { ConsoleRole } from '../domain/console-roles.js';
import { createUserWithPassword } from '../security/console-accounts.js';
import { verifyPassword } from '../security/passwords.js';
import { countUsers, findUserByName } from '../store/console-users.js';
import type { DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';

/** The demo's secrets file (src/cli/demo.ts loadDemoSecrets); the console passwords join it. */
export const DEMO_SECRETS = './data/demo.json';

export const DEMO_CONSOLE_USERS: readonly {
  username: string;
  roles: readonly ConsoleRole[];
  title: string;
}[] = [
  { username: 'admin', roles: ['system-admin'], title: '系统管理员' },
  { username: 'security', roles: ['security-admin'], title: '安全管理员' },
  { username: 'auditor', roles: ['auditor'], title: '审计管理员' },
  { username: 'operator', roles: ['operator', 'case-handler'], title: '业务操作员+业务经办员' },
  { username: 'reviewer', roles: ['reviewer'], title: '审核员' },
];

/** Pads to a terminal width where a Chinese character takes two columns. */
function padWide(text: string, width: number): string {
  // Only the fixed titles below pass through here: no emoji or combining marks to segment.
  const used = text.length + (text.match(/[\u2e80-\uffff]/g) ?? []).length;
  return text + ' '.repeat(Math.max(1, width - used));
}

/** User name → its one-time password, or null once the user has changed it. */
export type DemoConsolePasswords = Record<string, string | null>;

function readFile(file: string): Record<string, unknown> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

function save(file: string, passwords: DemoConsolePasswords): void {
  const next = { ...readFile(file), consoleUsers: passwords };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Creates the demo accounts when the database has no console user at all (a database that has
 * some was set up by someone: it is left alone). Returns what the secrets file holds.
 */
export async function ensureDemoConsoleUsers(
  handle: DatabaseHandle,
  auditKey: AuditKey,
  file: string,
): Promise<DemoConsolePasswords> {
  const saved = (readFile(file).consoleUsers ?? {}) as DemoConsolePasswords;
  if ((await countUsers(handle.db)) > 0) return saved;
  const ids = new IdAllocator(handle.db, 10);
  const passwords: DemoConsolePasswords = {};
  for (const demo of DEMO_CONSOLE_USERS) {
    const created = await createUserWithPassword(handle.db, ids, demo.username, demo.roles, Date.now());
    if (!created) continue;
    passwords[demo.username] = created.password;
    await appendAudit(handle, auditKey, {
      kind: 'data',
      actor: 'system',
      action: 'user.create',
      target: demo.username,
      result: 'ok',
      detail: { roles: demo.roles, demo: true },
    });
  }
  save(file, passwords);
  return passwords;
}

/**
 * The banner's lines for the demo accounts: the one-time password while it still opens the
 * account, else that it was changed (and the file forgets it).
 */
export async function demoConsoleLines(
  handle: DatabaseHandle,
  file: string,
  passwords: DemoConsolePasswords,
): Promise<string[]> {
  const lines: string[] = [];
  let forgot = false;
  for (const demo of DEMO_CONSOLE_USERS) {
    if (!(demo.username in passwords)) continue;
    const password = passwords[demo.username] ?? null;
    const user = await findUserByName(handle.db, demo.username);
    const usable =
      password !== null &&
      user !== null &&
      user.mustChangePassword &&
      (await verifyPassword(user.passwordHash, password));
    if (!usable && password !== null) {
      passwords[demo.username] = null;
      forgot = true;
    }
    const label = `${demo.username.padEnd(10)} ${padWide(`${demo.title} ${demo.roles.join(',')}`, 44)}`;
    lines.push(
      usable
        ? `    ${label} 一次性密码 one-time password: ${password}`
        : `    ${label} 密码已修改 (password changed)`,
    );
  }
  if (forgot) save(file, passwords);
  return lines;
}
