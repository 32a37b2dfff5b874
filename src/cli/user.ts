/**
 * `sms12333 user add --username U --role ROLE[,ROLE]` (DESIGN §4.1, issue 5 item 3): creates a
 * console user with a generated initial password, printed once and to be changed at first login.
 * There is never a default password. The three administrator roles exclude each other (三员分立).
 */
import { randomInt } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { generatePassword } from '../domain/admin-password.js';
import { CONSOLE_ROLES, EXCLUSIVE_ROLES, parseRoles } from '../domain/console-roles.js';
import { AppError } from '../errors.js';
import { hashPassword } from '../security/passwords.js';
import { insertUser } from '../store/console-users.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { need, parse } from './args.js';

const USAGE = `sms12333 user add --username U --role ROLE[,ROLE…] [--config FILE]   roles: ${CONSOLE_ROLES.join(' ')}`;

export async function runUser(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { config: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' } },
    USAGE,
  );
  if (positionals[0] !== 'add') throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const username = need(values.username, 'username');
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(username))
    throw new AppError('ERR_INPUT_INVALID', '--username: 2–64 个字母、数字或 _ . -');
  const parsed = parseRoles(need(values.role, 'role'));
  if ('problem' in parsed) {
    const p = parsed.problem;
    switch (p.kind) {
      case 'empty':
        throw new AppError('ERR_CLI_USAGE', `缺少 --role (missing --role)\n用法 usage: ${USAGE}`);
      case 'unknown':
        throw new AppError(
          'ERR_INPUT_INVALID',
          `--role: 未知角色 ${p.role} (known: ${CONSOLE_ROLES.join(', ')})`,
        );
      case 'exclusive':
        throw new AppError(
          'ERR_INPUT_INVALID',
          `--role: ${p.roles.join(' 与 ')} 互斥（三员分立：${EXCLUSIVE_ROLES.join('、')} 不得由同一人兼任）`,
        );
    }
  }
  const config = loadConfig({ file: values.config });
  const password = generatePassword(randomInt);
  const handle = await openDatabase(config.database.url);
  try {
    const user = await insertUser(
      handle.db,
      new IdAllocator(handle.db, 10),
      { username, passwordHash: await hashPassword(password), roles: parsed.roles, mustChangePassword: true },
      Date.now(),
    );
    if (!user)
      throw new AppError('ERR_INPUT_INVALID', `--username: 用户 ${username} 已存在 (already exists)`);
    process.stdout.write(
      `已创建 created console user ${user.username} roles=${user.roles.join(',')}\n` +
        `初始密码 initial password (shown once; change at first login): ${password}\n`,
    );
  } finally {
    await handle.close();
  }
  return 0;
}
