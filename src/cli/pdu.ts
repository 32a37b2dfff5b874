/** `sms12333 pdu decode --protocol P HEX`: a carrier PDU as JSON, for an operator with a capture. */
import { AppError } from '../shared/errors.js';
import { decodePduHex, PDU_PROTOCOLS } from '../protocols/pdu-decode.js';
import { need, parse } from './args.js';

const USAGE = `sms12333 pdu decode --protocol ${PDU_PROTOCOLS.join('|')} HEX`;

export function runPdu(argv: string[]): number {
  const { values, positionals } = parse(argv, { protocol: { type: 'string' } }, USAGE);
  if (positionals[0] !== 'decode' || positionals.length < 2)
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const protocol = need(values.protocol, 'protocol');
  const hex = positionals.slice(1).join('').replace(/\s+/g, '');
  const decoded = decodePduHex(protocol, hex);
  if (!decoded.ok) {
    process.stderr.write(`无法解析 cannot decode: ${JSON.stringify(decoded.error)}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(decoded.json, null, 2)}\n`);
  return 0;
}
