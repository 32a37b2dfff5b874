/**
 * `sms12333 pdu decode --protocol P HEX`: a carrier PDU as JSON, for an operator with a capture.
 * With `--config FILE --gateway ID` the protocol is the configured gateway's, like every other
 * subcommand that reads the configuration.
 */
import { loadConfig } from '../config/load.js';
import { AppError } from '../shared/errors.js';
import { decodePduHex, PDU_PROTOCOLS } from '../protocols/pdu-decode.js';
import { parse } from './args.js';

const USAGE = `sms12333 pdu decode --protocol ${PDU_PROTOCOLS.join('|')} | --gateway ID [--config FILE] HEX`;

/** The protocol to decode with: named, or the configured gateway's. */
function protocolOf(values: { protocol?: string; gateway?: string; config?: string }): string {
  if (values.protocol !== undefined && values.protocol !== '') return values.protocol;
  if (values.gateway === undefined || values.gateway === '')
    throw new AppError(
      'ERR_CLI_USAGE',
      `缺少 --protocol 或 --gateway (missing --protocol or --gateway)\n用法 usage: ${USAGE}`,
    );
  const config = loadConfig({ file: values.config });
  const gateway = config.gateways.find((g) => g.id === values.gateway);
  if (!gateway)
    throw new AppError(
      'ERR_CLI_USAGE',
      `配置中没有网关 no gateway ${values.gateway} in the configuration (${config.gateways.map((g) => g.id).join(', ') || '无 none'})`,
    );
  return gateway.protocol;
}

export function runPdu(argv: string[]): number {
  const { values, positionals } = parse(
    argv,
    { protocol: { type: 'string' }, gateway: { type: 'string' }, config: { type: 'string' } },
    USAGE,
  );
  if (positionals[0] !== 'decode' || positionals.length < 2)
    throw new AppError('ERR_CLI_USAGE', `用法 usage: ${USAGE}`);
  const protocol = protocolOf(values);
  const hex = positionals.slice(1).join('').replace(/\s+/g, '');
  const decoded = decodePduHex(protocol, hex);
  if (!decoded.ok) {
    process.stderr.write(`无法解析 cannot decode: ${JSON.stringify(decoded.error)}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(decoded.json, null, 2)}\n`);
  return 0;
}
