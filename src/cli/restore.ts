/**
 * `sms12333 restore --in FILE --identity AGE_KEY_FILE [--config FILE]` (docs/deploy.md "Restore
 * drill"): into the configured database, which must be empty. The whole file is checked before
 * anything is written (store/restore.ts); the data key travels in the backup and is installed where
 * the configuration expects it (or must equal `security.dataKey`); afterwards the audit chain is
 * verified with it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { appendAudit, deriveAuditKey, verifyAudit } from '../audit/log.js';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { defaultDataKeyFile, readDataMasterKey } from '../security/personal-data.js';
import { AppError } from '../shared/errors.js';
import { readIdentities } from '../store/backup-keys.js';
import { describeUrl, openDatabase } from '../store/connect.js';
import { assertEmptyTarget, backupLines, restoreInto, verifyBackupFile } from '../store/restore.js';
import { need, parse } from './args.js';

const USAGE = 'sms12333 restore --in FILE --identity AGE_KEY_FILE [--config FILE]';

/** The backup's data key where this configuration reads it: equal to what is there, or written (0600). */
function installDataKey(config: Config, keyBase64: string): void {
  const key = Buffer.from(keyBase64, 'base64');
  if (
    config.security.dataKey !== '' ||
    existsSync(config.security.dataKeyFile || defaultDataKeyFile(config.database.url))
  ) {
    if (!readDataMasterKey(config).equals(key))
      throw new AppError(
        'ERR_RESTORE_KEY_MISMATCH',
        "请改用备份中的密钥或空的密钥文件位置 (use the backup's key, or a key file location that is empty)",
      );
    return;
  }
  const file = config.security.dataKeyFile || defaultDataKeyFile(config.database.url);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${keyBase64}\n`, { mode: 0o600, flag: 'wx' });
}

export async function runRestore(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { config: { type: 'string' }, in: { type: 'string' }, identity: { type: 'string' } },
    USAGE,
  );
  const file = need(values.in, 'in');
  const identities = readIdentities(need(values.identity, 'identity'));
  const config = loadConfig({ file: values.config });
  const url = config.database.url;
  await assertEmptyTarget(url);
  const checked = await verifyBackupFile(file, identities);
  process.stderr.write(
    `备份已校验 backup checked: ${checked.manifest.rows} 行 rows, ${Object.keys(checked.manifest.tables).length} 张表 tables ` +
      `(${checked.header.source}, ${checked.header.method}, ${new Date(checked.header.createdAt).toISOString()})\n`,
  );
  installDataKey(config, checked.header.dataKey);
  const masterKey = Buffer.from(checked.header.dataKey, 'base64');
  const handle = await openDatabase(url, { migrate: false });
  try {
    const summary = await restoreInto(handle, await backupLines(file, identities), checked);
    const auditKey = deriveAuditKey(masterKey);
    const audit = await verifyAudit(handle, auditKey);
    if (!audit.ok)
      throw new AppError('ERR_RESTORE_VERIFY', `audit chain broken at seq ${audit.seq} (${audit.problem})`);
    await appendAudit(handle, auditKey, {
      kind: 'data',
      actor: 'cli',
      action: 'backup.restore',
      target: file,
      result: 'ok',
      detail: { rows: summary.rows, tables: summary.tables, createdAt: checked.header.createdAt },
    });
    process.stdout.write(
      `已恢复 restored: ${summary.rows} 行 rows, ${summary.tables} 张表 tables → ${describeUrl(url)}; ` +
        `行数与校验和一致 counts and checksums match; 审计链校验通过 audit chain verified (${audit.count} 条 entries)\n`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
