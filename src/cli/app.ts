/** `sms12333 app add`: create a business-system account, or update the one with that name. */
import { loadConfig } from '../config/load.js';
import { parseCidrList } from '../domain/cidr.js';
import { provinceCodeOf } from '../domain/phone-data.js';
import { AppError } from '../shared/errors.js';
import { hashPassword } from '../security/passwords.js';
import { upsertApp, type AppChanges } from '../store/apps.js';
import { openDatabase } from '../store/connect.js';
import { IdAllocator } from '../store/ids.js';
import { int, need, parse } from './args.js';
import { LOCKS_USAGE, runAppLocks } from './app-locks.js';

const USAGE =
  'sms12333 app add --name NAME --password PW [--ip CIDR[,CIDR…]] [--balance N] [--signature 【…】] [--ext-code DIGITS] [--province NN] [--status active|frozen|disabled] [--config FILE]\n       ' +
  LOCKS_USAGE;

export async function runApp(argv: string[]): Promise<number> {
  if (argv[0] === 'locks' || argv[0] === 'unlock') return runAppLocks(argv);
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
  const config = loadConfig({ file: values.config });
  // Replies to survey numbers go to the platform, never to an app (citizen.surveyExtPrefix).
  if (changes.extCode?.startsWith(config.citizen.surveyExtPrefix))
    throw new AppError(
      'ERR_INPUT_INVALID',
      `--ext-code: 以 ${config.citizen.surveyExtPrefix} 开头的扩展号留给调查 (reserved for surveys: citizen.surveyExtPrefix)`,
    );
  const handle = await openDatabase(config.database.url);
  try {
    const { app, created } = await upsertApp(handle.db, new IdAllocator(handle.db, 10), name, changes);
    process.stdout.write(
      `${created ? '已创建 created' : '已更新 updated'} app ${app.name}: ` +
        `whitelist=${app.ipWhitelist.join(',') || '(空 empty)'} balance=${app.balance} signature=${app.signature || '(无 none)'} ext=${app.extCode || '(无 none)'} status=${app.status}` +
        `${app.province ? ` province=${app.province}` : ''}\n`,
    );
  } finally {
    await handle.close();
  }
  return 0;
}
