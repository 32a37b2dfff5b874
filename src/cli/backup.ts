/**
 * `sms12333 backup --out FILE [--recipient AGE_PUBLIC_KEY_FILE]` (docs/deploy.md "Backups"): an
 * online, consistent, encrypted backup while the platform serves; `sms12333 backup keygen` makes
 * the age key pair backups are encrypted to (the identity file stays off the platform's machine).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { deriveAuditKey } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { runBackup } from '../pipeline/backups.js';
import { readDataMasterKey } from '../security/personal-data.js';
import { AppError } from '../shared/errors.js';
import { generateBackupKey, readRecipients } from '../store/backup-keys.js';
import { openDatabase } from '../store/connect.js';
import { need, parse } from './args.js';

const USAGE =
  'sms12333 backup --out FILE [--recipient AGE_PUBLIC_KEY_FILE] [--config FILE]\n' +
  '       sms12333 backup keygen --identity FILE [--recipient FILE]';

export async function runBackupCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      config: { type: 'string' },
      out: { type: 'string' },
      recipient: { type: 'string' },
      identity: { type: 'string' },
    },
    USAGE,
  );
  if (positionals[0] === 'keygen') return keygen(need(values.identity, 'identity'), values.recipient);
  if (positionals.length > 0) throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const out = need(values.out, 'out');
  if (existsSync(out))
    throw new AppError('ERR_CLI_USAGE', `${out} 已存在 (exists; a backup never overwrites a file)`);
  const config = loadConfig({ file: values.config });
  const recipientFile = values.recipient ?? config.backup.recipientFile;
  if (recipientFile === '')
    throw new AppError('ERR_CLI_USAGE', '缺少 --recipient (missing --recipient, or backup.recipientFile)');
  const recipients = readRecipients(recipientFile);
  const masterKey = readDataMasterKey(config);
  const handle = await openDatabase(config.database.url);
  try {
    for (const notice of handle.notices) process.stderr.write(`警告 warning: ${notice}\n`);
    const result = await runBackup(
      {
        handle,
        databaseUrl: config.database.url,
        masterKey,
        auditKey: deriveAuditKey(masterKey),
        pgDump: config.backup.pgDump,
        now: Date.now,
      },
      { out, recipients, trigger: 'cli', actor: 'cli' },
    );
    process.stdout.write(
      `已备份 backed up: ${result.rows} 行 rows, ${Object.keys(result.tables).length} 张表 tables, ` +
        `${result.bytes} 字节 bytes (${result.method}) → ${result.file}\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}

function keygen(identityFile: string, recipientFile: string | undefined): Promise<number> {
  return generateBackupKey(new Date()).then(({ identityText, recipient }) => {
    try {
      writeFileSync(identityFile, identityText, { mode: 0o600, flag: 'wx' });
      if (recipientFile !== undefined)
        writeFileSync(recipientFile, `${recipient}\n`, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      throw new AppError('ERR_BACKUP_KEY', (err as Error).message, { cause: err });
    }
    process.stdout.write(
      `公钥 public key: ${recipient}\n私钥已写入 identity written to ${identityFile} (0600)：请离线保管，恢复时才需要 (keep it off this machine; only a restore needs it)\n`,
    );
    return 0;
  });
}
