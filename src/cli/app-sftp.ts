/**
 * An account's SFTP credentials from the command line (docs/sftp.md): `app add --sftp-key FILE` and
 * `app sftp`, which adds, replaces or clears public keys and sets or clears the SFTP password (hashed
 * like the interface password). Every change is audited as actor `cli`.
 */
import { readFileSync } from 'node:fs';
import { loadAuditKey } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { hashPassword } from '../security/passwords.js';
import { AppError } from '../shared/errors.js';
import { parsePublicKey } from '../sftp/index.js';
import { findAppByName } from '../store/apps.js';
import { openDatabase, type DatabaseHandle } from '../store/connect.js';
import { getSftpCredentials, setSftpCredentials } from '../store/sftp.js';
import { auditCli } from './cli-audit.js';
import { need, parse } from './args.js';
import type { AuditKey } from '../audit/log.js';

export const SFTP_USAGE =
  'sms12333 app sftp --name NAME [--key FILE.pub]… [--replace-keys] [--clear-keys] [--password PW | --clear-password] [--config FILE]';

/** The OpenSSH public key lines of a `.pub` or authorized_keys file; anything else is refused. */
export function readPublicKeys(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('ERR_INPUT_INVALID', `--key ${file}: ${(err as Error).message}`);
  }
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new AppError('ERR_INPUT_INVALID', `${file}: 没有公钥 (no public key)`);
  for (const line of lines)
    if (!parsePublicKey(line))
      throw new AppError('ERR_INPUT_INVALID', `${file}: 不是 OpenSSH 公钥 (not an OpenSSH public key)`);
  return lines;
}

export interface SftpChange {
  addKeys: string[];
  replaceKeys: boolean;
  password?: string | null;
}

/** Applies the change and writes the audit entry (no key material, no password in it). */
export async function changeSftpCredentials(
  handle: DatabaseHandle,
  auditKey: AuditKey,
  app: { id: number; name: string },
  change: SftpChange,
): Promise<{ keys: number; password: boolean }> {
  const before = await getSftpCredentials(handle.db, app.id);
  const keys = change.replaceKeys ? change.addKeys : [...new Set([...before.publicKeys, ...change.addKeys])];
  const passwordHash =
    change.password === undefined
      ? undefined
      : change.password === null
        ? null
        : await hashPassword(change.password);
  const after = await setSftpCredentials(
    handle.db,
    app.id,
    { publicKeys: keys, ...(passwordHash !== undefined && { passwordHash }) },
    Date.now(),
  );
  await auditCli(handle, auditKey, {
    kind: 'data',
    action: 'app.sftp',
    target: app.name,
    result: 'ok',
    detail: {
      keys: after.publicKeys.length,
      keysAdded: change.addKeys.length,
      keysReplaced: change.replaceKeys,
      passwordSet: change.password !== undefined && change.password !== null,
      passwordCleared: change.password === null,
    },
  });
  return { keys: after.publicKeys.length, password: after.passwordHash !== null };
}

export async function runAppSftp(argv: string[], out: { write(text: string): unknown }): Promise<number> {
  const { values } = parse(
    argv,
    {
      config: { type: 'string' },
      name: { type: 'string' },
      key: { type: 'string', multiple: true },
      'replace-keys': { type: 'boolean' },
      'clear-keys': { type: 'boolean' },
      password: { type: 'string' },
      'clear-password': { type: 'boolean' },
    },
    SFTP_USAGE,
  );
  const name = need(values.name, 'name');
  if (values.password !== undefined && values.password.length < 8)
    throw new AppError('ERR_INPUT_INVALID', '--password: 至少 8 个字符 (at least 8 characters)');
  const addKeys = (values.key ?? []).flatMap(readPublicKeys);
  const clearKeys = values['clear-keys'] === true;
  const change: SftpChange = {
    addKeys: clearKeys ? [] : addKeys,
    replaceKeys: clearKeys || values['replace-keys'] === true,
    ...(values.password !== undefined && { password: values.password }),
    ...(values['clear-password'] === true && { password: null }),
  };
  const config = loadConfig({ file: values.config });
  const handle = await openDatabase(config.database.url);
  try {
    const app = await findAppByName(handle.db, name);
    if (!app) throw new AppError('ERR_APP_NOT_FOUND', name);
    const now = await changeSftpCredentials(handle, loadAuditKey(config), app, change);
    out.write(
      `app ${app.name} SFTP: ${now.keys} 个公钥 public key(s), 密码 password ${now.password ? '已设置 set' : '无 none'}\n`,
    );
  } finally {
    await handle.close();
  }
  return 0;
}
