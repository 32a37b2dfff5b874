/** `sms12333 simulator …`: a carrier gateway simulator (the carrier's side) on its own. */
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/log.js';
import { SIMULATOR_PROTOCOLS, startSimulator, type SimulatorProtocol } from '../protocols/simulator/index.js';
import { int, need, parse } from './args.js';
import { untilSignal } from './signals.js';

const USAGE =
  `sms12333 simulator --protocol ${SIMULATOR_PROTOCOLS.join('|')} --port N --control-port M --account A --secret S ` +
  '[--dlr-delay-ms D] [--fail-rate R] [--host H] [--peer-host H --peer-port P --peer-account A --peer-secret S (sgip: where the platform listens for the SMG)]';

export async function runSimulator(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      protocol: { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string' },
      account: { type: 'string' },
      secret: { type: 'string' },
      'dlr-delay-ms': { type: 'string' },
      'fail-rate': { type: 'string' },
      host: { type: 'string' },
      'peer-host': { type: 'string' },
      'peer-port': { type: 'string' },
      'peer-account': { type: 'string' },
      'peer-secret': { type: 'string' },
      config: { type: 'string' },
    },
    USAGE,
  );
  const protocol = need(values.protocol, 'protocol');
  if (!(SIMULATOR_PROTOCOLS as readonly string[]).includes(protocol))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--protocol ${protocol}: 目前支持 ${SIMULATOR_PROTOCOLS.join(', ')} (supported now)`,
    );
  if (protocol === 'sgip' && values['peer-port'] === undefined)
    throw new AppError(
      'ERR_CLI_USAGE',
      'sgip 模拟器需要 --peer-port 等参数：SMG 要连接平台的监听端口投递上行和状态报告 (sgip needs --peer-port …)',
    );
  const failRate = values['fail-rate'] === undefined ? 0 : Number(values['fail-rate']);
  if (!(failRate >= 0 && failRate <= 1))
    throw new AppError('ERR_CLI_USAGE', '--fail-rate 应在 0 到 1 之间 (between 0 and 1)');
  const logger = createLogger({ name: 'sms12333-simulator' });
  const sim = await startSimulator({
    protocol: protocol as SimulatorProtocol,
    host: values.host ?? '127.0.0.1',
    port: int(values.port, 'port'),
    controlPort: int(values['control-port'], 'control-port'),
    controlHost: values.host ?? '127.0.0.1',
    account: need(values.account, 'account'),
    secret: need(values.secret, 'secret'),
    dlrDelayMs: int(values['dlr-delay-ms'], 'dlr-delay-ms', 200),
    failRate,
    logger,
    ...(values['peer-port'] !== undefined && {
      peer: {
        host: values['peer-host'] ?? '127.0.0.1',
        port: int(values['peer-port'], 'peer-port'),
        account: need(values['peer-account'], 'peer-account'),
        secret: need(values['peer-secret'], 'peer-secret'),
      },
    }),
  });
  logger.info(
    { protocol, port: sim.port, controlPort: sim.controlPort },
    `模拟网关已启动 simulator listening on ${values.host ?? '127.0.0.1'}:${sim.port}, control on ${sim.controlPort ?? '-'}`,
  );
  await untilSignal();
  await sim.close();
  logger.flush();
  return 0;
}
