/** `sms12333 app add`: create a business-system account, or update the one with that name. */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadAuditKey } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { checkCallbackUrl } from '../domain/callback-url.js';
import { generateCallbackSecret } from '../pipeline/callbacks.js';
import { loadPersonalDataCipher } from '../security/personal-data.js';
import { startCallbackCursor } from '../store/callbacks.js';
import { auditCli } from './cli-audit.js';
import { parseCidrList } from '../domain/cidr.js';
import { provinceCodeOf } from '../domain/phone-data.js';
import { AppError } from '../shared/errors.js';
import { hashPassword } from '../security/passwords.js';
import { findAppByName, upsertApp, type AppChanges } from '../store/apps.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { int, need, parse } from './args.js';
import { LOCKS_USAGE, runAppLocks } from './app-locks.js';
import { changeSftpCredentials, readPublicKeys, runAppSftp, SFTP_USAGE } from './app-sftp.js';

const USAGE =
  'sms12333 app add --name NAME --password PW [--ip CIDR[,CIDR…]] [--balance N] [--signature 【…】] [--ext-code DIGITS] [--province NN] [--status active|frozen|disabled]\n' +
  '                 [--report-url URL] [--reply-url URL] [--new-callback-secret]\n' +
  '                 [--auth whitelist|certificate|both] [--cert CLIENT.pem|none] [--sftp-key FILE.pub]… [--config FILE]\n       ' +
  LOCKS_USAGE +
  '\n       ' +
  SFTP_USAGE;

/** A client certificate (PEM) to bind to the account: its SHA-256 fingerprint, subject and expiry. */
function readCertificate(file: string): { fingerprint: string; subject: string; notAfter: number } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(file));
  } catch (err) {
    throw new AppError('ERR_INPUT_INVALID', `--cert ${file}: ${(err as Error).message}`);
  }
  return {
    fingerprint: cert.fingerprint256,
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: Date.parse(cert.validTo),
  };
}

/** `out` is where the account (and a new callback secret, once) is printed. */
export async function runApp(
  argv: string[],
  out: { write(text: string): unknown } = process.stdout,
): Promise<number> {
  if (argv[0] === 'locks' || argv[0] === 'unlock') return runAppLocks(argv);
  if (argv[0] === 'sftp') return runAppSftp(argv.slice(1), out);
  const { values, positionals } = parse(
    argv,
    {
      config: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      ip: { type: 'string' },
      balance: { type: 'string' },
      signature: { type: 'string' },
      'ext-code': { type: 'string' },
      status: { type: 'string' },
      province: { type: 'string' },
      'report-url': { type: 'string' },
      'reply-url': { type: 'string' },
      'new-callback-secret': { type: 'boolean' },
      auth: { type: 'string' },
      cert: { type: 'string' },
      'sftp-key': { type: 'string', multiple: true },
    },
    USAGE,
  );
  if (positionals[0] !== 'add') throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const name = need(values.name, 'name');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name))
    throw new AppError('ERR_INPUT_INVALID', '--name: 1–64 个字母、数字或 _ . -');
  const password = need(values.password, 'password');
  if (password.length < 8)
    throw new AppError('ERR_INPUT_INVALID', '--password: 至少 8 个字符 (at least 8 characters)');
  const changes: AppChanges & { passwordHash: string } = { passwordHash: await hashPassword(password) };
  if (values.ip !== undefined) {
    const { blocks, invalid } = parseCidrList(values.ip);
    if (invalid.length > 0)
      throw new AppError('ERR_INPUT_INVALID', `--ip: 无效的地址段 ${invalid.join(', ')}`);
    changes.ipWhitelist = blocks.map((b) => b.text);
  }
  if (values.balance !== undefined) {
    const balance = int(values.balance, 'balance');
    if (balance < 0) throw new AppError('ERR_INPUT_INVALID', '--balance: 不能为负 (must not be negative)');
    changes.balance = balance;
  }
  if (values.signature !== undefined) {
    if (!/^【[^【】]{1,20}】$/.test(values.signature))
      throw new AppError('ERR_INPUT_INVALID', '--signature: 形如【人社局】，1–20 个字符 (like 【人社局】)');
    changes.signature = values.signature;
  }
  if (values['ext-code'] !== undefined) {
    if (!/^\d{0,8}$/.test(values['ext-code']))
      throw new AppError('ERR_INPUT_INVALID', '--ext-code: 至多 8 位数字');
    changes.extCode = values['ext-code'];
  }
  if (values.status !== undefined) {
    if (!['active', 'frozen', 'disabled'].includes(values.status))
      throw new AppError('ERR_INPUT_INVALID', '--status: active | frozen | disabled');
    changes.status = values.status as 'active' | 'frozen' | 'disabled';
  }
  if (values.province !== undefined) {
    // A province's account on the ministry platform (docs/federation.md); '' removes the tag.
    const province = values.province === '' ? null : provinceCodeOf(values.province);
    if (values.province !== '' && province === null)
      throw new AppError(
        'ERR_INPUT_INVALID',
        '--province: 两位省级行政区划代码，如 21 (two-digit province code)',
      );
    changes.province = province;
    // Its extension space on the ministry defaults to the province code.
    if (province !== null && changes.extCode === undefined) changes.extCode = province;
  }
  for (const [flag, key] of [
    ['report-url', 'reportUrl'],
    ['reply-url', 'replyUrl'],
  ] as const) {
    const given = values[flag];
    if (given === undefined) continue;
    const checked = checkCallbackUrl(given);
    if ('error' in checked) throw new AppError('ERR_INPUT_INVALID', `--${flag}: ${checked.error}`);
    changes[key] = checked.url;
  }
  if (values.auth !== undefined) {
    if (values.auth !== 'whitelist' && values.auth !== 'certificate' && values.auth !== 'both')
      throw new AppError('ERR_INPUT_INVALID', '--auth: whitelist | certificate | both');
    changes.authMode = values.auth;
  }
  if (values.cert !== undefined)
    changes.certificate = values.cert === 'none' ? null : readCertificate(values.cert);
  const sftpKeys = (values['sftp-key'] ?? []).flatMap(readPublicKeys);
  const config = loadConfig({ file: values.config });
  // Replies to survey numbers go to the platform, never to an app (citizen.surveyExtPrefix).
  if (changes.extCode?.startsWith(config.citizen.surveyExtPrefix))
    throw new AppError(
      'ERR_INPUT_INVALID',
      `--ext-code: 以 ${config.citizen.surveyExtPrefix} 开头的扩展号留给调查 (reserved for surveys: citizen.surveyExtPrefix)`,
    );
  const { cipher } = loadPersonalDataCipher(config);
  const auditKey = loadAuditKey(config);
  const handle = await openDatabase(config.database.url);
  try {
    const before = await findAppByName(handle.db, name);
    const willHaveUrl =
      (changes.reportUrl ?? before?.reportUrl ?? null) !== null ||
      (changes.replyUrl ?? before?.replyUrl ?? null) !== null;
    // The secret is made once, when the first address is set (or on request), and shown only now.
    let newSecret: string | null = null;
    if (values['new-callback-secret'] === true || (willHaveUrl && !before?.callbackSecretEnc)) {
      newSecret = generateCallbackSecret();
      changes.callbackSecretEnc = cipher.encrypt(newSecret);
    }
    if ((changes.authMode ?? before?.authMode ?? 'whitelist') !== 'whitelist') {
      const certificate = changes.certificate === undefined ? before?.certFingerprint : changes.certificate;
      if (!certificate)
        throw new AppError(
          'ERR_INPUT_INVALID',
          '--auth certificate|both: 需先登记证书 --cert FILE (register the client certificate)',
        );
    }
    const { app, created } = await upsertApp(handle.db, new IdAllocator(handle.db, 10), name, changes);
    // An address switched on for an existing account starts after what its feed already holds.
    if (before && before.reportUrl === null && app.reportUrl !== null)
      await startCallbackCursor(handle.db, app.id, 'report');
    if (before && before.replyUrl === null && app.replyUrl !== null)
      await startCallbackCursor(handle.db, app.id, 'reply');
    await auditCli(handle, auditKey, {
      kind: 'data',
      action: created ? 'app.create' : 'app.edit',
      target: app.name,
      result: 'ok',
      detail: {
        ipWhitelist: app.ipWhitelist,
        balance: app.balance,
        signature: app.signature,
        extCode: app.extCode,
        status: app.status,
        reportUrl: app.reportUrl,
        replyUrl: app.replyUrl,
        passwordChanged: !created,
        newCallbackSecret: newSecret !== null,
        authMode: app.authMode,
        certFingerprint: app.certFingerprint,
      },
    });
    if (sftpKeys.length > 0) {
      const sftp = await changeSftpCredentials(handle, auditKey, app, {
        addKeys: sftpKeys,
        replaceKeys: false,
      });
      out.write(`SFTP: ${sftp.keys} 个公钥 public key(s)\n`);
    }
    out.write(
      `${created ? '已创建 created' : '已更新 updated'} app ${app.name}: ` +
        `whitelist=${app.ipWhitelist.join(',') || '(空 empty)'} balance=${app.balance} signature=${app.signature || '(无 none)'} ext=${app.extCode || '(无 none)'} status=${app.status}` +
        (app.province ? ` province=${app.province}` : '') +
        `${app.reportUrl !== null ? ` reportUrl=${app.reportUrl}` : ''}${app.replyUrl !== null ? ` replyUrl=${app.replyUrl}` : ''}` +
        ` auth=${app.authMode}${app.certSubject !== null ? ` cert=${app.certSubject} (至 until ${new Date(app.certNotAfter ?? 0).toISOString()})` : ''}\n`,
    );
    if (newSecret !== null)
      out.write(`回调签名密钥 callback secret (shown once, keep it with the receiver): ${newSecret}\n`);
  } finally {
    await handle.close();
  }
  return 0;
}
