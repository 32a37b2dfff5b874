/** `sms12333 phone lookup MOBILE`: the number's carrier, home province and city from the segment data. */
import { loadConfig } from '../config/load.js';
import { CARRIER_NAMES } from '../domain/carrier.js';
import { carrierOf, normalizeMobile } from '../domain/phone.js';
import { BUNDLED_PHONE_DATA, PhoneDataSource } from '../pipeline/phone-data.js';
import { AppError } from '../shared/errors.js';
import { parse } from './args.js';

const USAGE = 'sms12333 phone lookup MOBILE [--config FILE]';

export function runPhone(argv: string[]): number {
  const { values, positionals } = parse(argv, { config: { type: 'string' } }, USAGE);
  if (positionals[0] !== 'lookup' || positionals.length !== 2)
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const raw = positionals[1] ?? '';
  const mobile = normalizeMobile(raw);
  if (!mobile)
    throw new AppError('ERR_INPUT_INVALID', `不是有效的手机号 not a mainland mobile number: ${raw}`);
  const config = loadConfig({ file: values.config });
  const source = new PhoneDataSource(config.phoneData.file || BUNDLED_PHONE_DATA, null);
  const info = source.lookup(mobile);
  const data = source.describe();
  const carrier = info?.carrier ?? carrierOf(mobile);
  const lines = [
    `号码 mobile:      ${mobile}`,
    `运营商 carrier:   ${carrier ? `${CARRIER_NAMES[carrier].zh} ${carrier}` : '未知 unknown'}`,
    `归属省 province:  ${info ? `${info.provinceName} ${info.province}` : '未知 unknown'}`,
    `归属市 city:      ${info?.city || '未知 unknown'}`,
    `号段数据 data:    ${data.date} (${data.format}, ${data.entries} 条 entries, ${data.file})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return info ? 0 : 3;
}
