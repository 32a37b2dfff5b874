/** `sms12333 serve [--config FILE] [--demo]`: runs the platform until SIGINT/SIGTERM. */
import { loadConfig } from '../config/load.js';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import { startPlatform } from '../pipeline/platform.js';
import { startSimulator, type Simulator } from '../protocols/simulator/index.js';
import { describeUrl } from '../store/connect.js';
import { parse } from './args.js';
import { DEMO_LOG, demoBanner, demoConfig, demoPorts, ensureDemoApp, loadDemoSecrets } from './demo.js';
import { untilSignal } from './signals.js';

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { config: { type: 'string' }, demo: { type: 'boolean' } },
    'sms12333 serve [--config FILE] [--demo]',
  );
  const demo = values.demo === true;
  const secrets = demo ? loadDemoSecrets('./data/demo.json') : null;
  const ports = demoPorts(process.env);
  const config = loadConfig({
    file: values.config,
    ...(secrets && { base: demoConfig(secrets, ports) }),
  });
  // The demo keeps its terminal for the banner; the log goes to a file beside the database.
  const logger = createLogger({ level: config.log.level, ...(demo && { file: DEMO_LOG }) });

  let simulator: Simulator | null = null;
  if (secrets) {
    simulator = await startSimulator({
      protocol: 'cmpp3',
      port: ports.simulator,
      controlPort: ports.control,
      account: '901234',
      secret: secrets.simulatorSecret,
      dlrDelayMs: 300,
      logger: logger.child({ component: 'simulator' }),
    }).catch((err: unknown) => {
      throw new AppError(
        'ERR_LISTEN',
        `demo simulator 127.0.0.1:${ports.simulator}/${ports.control}: ${(err as Error).message} — 可用 SMS12333_DEMO_SIMULATOR_PORT / SMS12333_DEMO_CONTROL_PORT 换端口`,
        { cause: err },
      );
    });
  }
  const platform = await startPlatform({ config, logger }).catch(async (err: unknown) => {
    await simulator?.close();
    throw err;
  });
  if (secrets && simulator) {
    await ensureDemoApp(platform.handle, secrets);
    process.stdout.write(
      demoBanner({
        interfaceUrl: platform.interfaceUrl ?? '(interface disabled)',
        controlUrl: `http://127.0.0.1:${simulator.controlPort ?? ports.control}`,
        simulatorPort: simulator.port,
        secrets,
        databaseUrl: describeUrl(config.database.url),
        metricsUrl: platform.metricsUrl,
      }),
    );
  } else {
    logger.info(
      {
        interface: platform.interfaceUrl,
        database: describeUrl(config.database.url),
        gateways: config.gateways.map((g) => g.id),
      },
      '平台已启动 platform started',
    );
  }
  const signal = await untilSignal();
  logger.info({ signal }, '正在停止 stopping');
  await platform.close();
  await simulator?.close();
  logger.flush();
  return 0;
}
