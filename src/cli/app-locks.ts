/**
 * `sms12333 app locks` and `sms12333 app unlock`: the password locks of the interface and of SFTP
 * (docs/security.md §2, docs/sftp.md), listed and lifted by an administrator — unlock lifts both
 * channels' locks of the address; lifting is recorded in the audit log.
 */
import { appendAudit, loadAuditKey } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { formatBeijing } from '../domain/beijing-time.js';
import { AppError } from '../shared/errors.js';
import { findAppByName } from '../store/apps.js';
import { openDatabase } from '../store/connect.js';
import { liftInterfaceLocks, listInterfaceLocks } from '../store/interface-locks.js';
import { need, parse } from './args.js';

export const LOCKS_USAGE =
  'sms12333 app locks [--config FILE]\n' +
  '       sms12333 app unlock --name NAME [--ip ADDRESS] [--config FILE]   # every address unless --ip';

export async function runAppLocks(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { config: { type: 'string' }, name: { type: 'string' }, ip: { type: 'string' } },
    LOCKS_USAGE,
  );
  const config = loadConfig({ file: values.config });
  const handle = await openDatabase(config.database.url);
  try {
    if (positionals[0] === 'locks') {
      const locks = await listInterfaceLocks(handle.db, Date.now());
      if (locks.length === 0) process.stdout.write('没有锁定 no locks\n');
      for (const l of locks)
        process.stdout.write(
          `${l.appName}\t${l.source}\t锁定至 until ${formatBeijing(l.lockedUntil, 'yyyy-MM-dd HH:mm:ss')}\t${l.attempts} 次 attempts\t${l.channel === 'sftp' ? 'SFTP' : '接口 interface'}\n`,
        );
      return 0;
    }
    const name = need(values.name, 'name');
    const app = await findAppByName(handle.db, name);
    if (!app) throw new AppError('ERR_INPUT_INVALID', `--name: 没有账户 no app ${name}`);
    const lifted = await liftInterfaceLocks(handle.db, app.id, values.ip);
    await appendAudit(handle, loadAuditKey(config), {
      kind: 'operation',
      actor: 'cli',
      action: 'app.unlock',
      target: name,
      result: 'ok',
      detail: { source: values.ip ?? null, lifted },
    });
    process.stdout.write(`已解除 lifted ${lifted} 个锁定 locks of ${name}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}
