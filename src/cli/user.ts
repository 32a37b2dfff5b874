/**
 * `sms12333 user add|list|reset-password|unlock|reset-totp|disable|enable` (docs/design.md §4.1):
 * console users from the command line — the way to the first administrator, and the way back in
 * when every security administrator is locked out. Passwords are generated, printed once and must
 * be changed at the first login; there is never a default password. The three administrator roles
 * exclude each other (三员分立). Every change is an audit entry by `cli`.
 */
import { loadAuditKey, type AuditEntry } from '../audit/log.js';
import { auditCli } from './cli-audit.js';
import { loadConfig } from '../config/load.js';
import { PENDING_TOTP } from '../console/auth.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { CONSOLE_ROLES } from '../domain/console-roles.js';
import { AppError } from '../shared/errors.js';
import {
  checkRoles,
  createUserWithPassword,
  resetUserPassword,
  roleProblemText,
  validUsername,
} from '../security/console-accounts.js';
import { loadPersonalDataCipher } from '../security/personal-data.js';
import {
  clearLockout,
  clearTotpSecret,
  deleteUserSessions,
  findUserByName,
  listUsers,
  setStatus,
  type ConsoleUser,
} from '../store/console-users.js';
import { openDatabase, type DatabaseHandle } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { need, parse } from './args.js';

const USAGE =
  `sms12333 user add --username U --role ROLE[,ROLE…] [--config FILE]   roles: ${CONSOLE_ROLES.join(' ')}\n` +
  '       sms12333 user list [--config FILE]\n' +
  '       sms12333 user reset-password|unlock|reset-totp|disable|enable --username U [--config FILE]';

const ACTIONS = ['add', 'list', 'reset-password', 'unlock', 'reset-totp', 'disable', 'enable'] as const;
type Action = (typeof ACTIONS)[number];

function isAction(value: string | undefined): value is Action {
  return (ACTIONS as readonly (string | undefined)[]).includes(value);
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function named(handle: DatabaseHandle, username: string): Promise<ConsoleUser> {
  const user = await findUserByName(handle.db, username);
  if (!user) throw new AppError('ERR_INPUT_INVALID', `--username: 没有用户 ${username} (no such user)`);
  return user;
}

async function list(handle: DatabaseHandle, openTotp: (sealed: string) => boolean): Promise<void> {
  const now = Date.now();
  const rows = await listUsers(handle.db);
  if (rows.length === 0) {
    say('没有控制台用户 (no console users): sms12333 user add --username U --role system-admin');
    return;
  }
  for (const u of rows) {
    const locked = u.lockedUntil !== null && u.lockedUntil > now;
    say(
      [
        u.username.padEnd(20),
        u.roles.join(',').padEnd(28),
        u.status === 'active' ? '正常 active' : '停用 disabled',
        locked ? `锁定至 locked until ${formatBeijing(u.lockedUntil ?? 0, 'yyyy-MM-dd HH:mm:ss')}` : '',
        u.mustChangePassword ? '待改密 must change password' : '',
        u.totpSecretEnc !== null && openTotp(u.totpSecretEnc) ? '动态口令 TOTP' : '',
        u.lastLoginAt === null
          ? '从未登录 never logged in'
          : `最后登录 last login ${formatBeijing(u.lastLoginAt, 'yyyy-MM-dd HH:mm:ss')}`,
      ]
        .filter((s) => s !== '')
        .join('  '),
    );
  }
}

export async function runUser(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { config: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' } },
    USAGE,
  );
  const action = positionals[0];
  if (!isAction(action)) throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const username = action === 'list' ? '' : need(values.username, 'username');
  if (action === 'add' && !validUsername(username))
    throw new AppError('ERR_INPUT_INVALID', '--username: 2–64 个字母、数字或 _ . -');
  const parsedRoles = action === 'add' ? checkRoles(need(values.role, 'role')) : null;
  if (parsedRoles && 'problem' in parsedRoles) {
    const text = roleProblemText(parsedRoles.problem);
    throw new AppError('ERR_INPUT_INVALID', `--role: ${text.zh} (${text.en})`);
  }

  const config = loadConfig({ file: values.config });
  // The audit chain's key derives from the personal-data key: made here if this is the first command.
  const { cipher, keyFileCreated } = loadPersonalDataCipher(config);
  if (keyFileCreated !== null)
    process.stderr.write(`已生成数据密钥 created the data key ${keyFileCreated} — 请备份 back it up\n`);
  const auditKey = loadAuditKey(config);
  const handle = await openDatabase(config.database.url);
  const audit = (entry: Omit<AuditEntry, 'actor' | 'result'>) =>
    auditCli(handle, auditKey, { ...entry, result: 'ok' });
  try {
    const now = Date.now();
    switch (action) {
      case 'list':
        await list(handle, (sealed) => !cipher.decrypt(sealed).startsWith(PENDING_TOTP));
        return 0;
      case 'add': {
        const roles = parsedRoles && 'roles' in parsedRoles ? parsedRoles.roles : [];
        const created = await createUserWithPassword(
          handle.db,
          new IdAllocator(handle.db, 10),
          username,
          roles,
          now,
        );
        if (!created)
          throw new AppError('ERR_INPUT_INVALID', `--username: 用户 ${username} 已存在 (already exists)`);
        await audit({ kind: 'data', action: 'user.create', target: username, detail: { roles } });
        say(`已创建 created console user ${username} roles=${roles.join(',')}`);
        say(`初始密码 initial password (shown once; change at first login): ${created.password}`);
        return 0;
      }
      case 'reset-password': {
        const user = await named(handle, username);
        const password = await resetUserPassword(handle.db, user.id, now);
        await audit({
          kind: 'operation',
          action: 'user.reset-password',
          target: username,
          detail: { sessionsEnded: true, mustChangePassword: true },
        });
        say(`已重置 reset the password of ${username}; 其会话已结束 (sessions ended)`);
        say(`一次性密码 one-time password (shown once; change at next login): ${password}`);
        return 0;
      }
      case 'unlock': {
        const user = await named(handle, username);
        await clearLockout(handle.db, user.id, now);
        await audit({ kind: 'operation', action: 'user.unlock', target: username });
        say(`已解锁 unlocked ${username}`);
        return 0;
      }
      case 'reset-totp': {
        const user = await named(handle, username);
        await clearTotpSecret(handle.db, user.id, now);
        await deleteUserSessions(handle.db, user.id);
        await audit({
          kind: 'operation',
          action: 'user.reset-totp',
          target: username,
          detail: { sessionsEnded: true },
        });
        say(
          `已重置动态口令 reset the one-time code of ${username}; 下次登录须重新绑定 (enrol again at next login)`,
        );
        return 0;
      }
      case 'disable':
      case 'enable': {
        const user = await named(handle, username);
        await setStatus(handle.db, user.id, action === 'disable' ? 'disabled' : 'active', now);
        if (action === 'disable') await deleteUserSessions(handle.db, user.id);
        await audit({ kind: 'data', action: `user.${action}`, target: username });
        say(`${action === 'disable' ? '已停用 disabled' : '已启用 enabled'} ${username}`);
        return 0;
      }
    }
  } finally {
    await handle.close();
  }
}
