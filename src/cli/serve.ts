/** `sms12333 serve [--config FILE] [--demo]`: runs the platform until SIGINT/SIGTERM. */
import { defaultDataKeyFile } from '../security/personal-data.js';
import { loadConfig } from '../config/load.js';
import { AppError } from '../shared/errors.js';
import { createLogger } from '../shared/log.js';
import { startPlatform } from '../app/platform.js';
import { startSimulator, type Simulator } from '../protocols/simulator/index.js';
import { describeUrl } from '../store/connect.js';
import { parse } from './args.js';
import { runFederationDemo } from './demo-federation.js';
import {
  DEMO_ACCOUNT,
  DEMO_LOG,
  demoBanner,
  demoConfig,
  demoLinks,
  demoPorts,
  ensureDemoApp,
  loadDemoSecrets,
} from './demo.js';
import { loadDemoPersons } from '../backend/demo-persons.js';
import { untilSignal } from './signals.js';
import { DEMO_SECRETS, demoConsoleLines, ensureDemoConsoleUsers } from './demo-users.js';
import { loadAuditKey } from '../audit/log.js';
import { countUsers } from '../store/console-users.js';

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { config: { type: 'string' }, demo: { type: 'boolean' }, 'demo-federation': { type: 'boolean' } },
    'sms12333 serve [--config FILE] [--demo | --demo-federation]',
  );
  if (values['demo-federation'] === true) return runFederationDemo();
  const demo = values.demo === true;
  const secrets = demo ? loadDemoSecrets(DEMO_SECRETS) : null;
  const links = secrets ? demoLinks(secrets, demoPorts(process.env)) : [];
  const config = loadConfig({
    file: values.config,
    ...(secrets && { base: demoConfig(links) }),
  });
  // The demo keeps its terminal for the banner; the log goes to a file beside the database.
  const logger = createLogger({ level: config.log.level, ...(demo && { file: DEMO_LOG }) });

  const simulators: Simulator[] = [];
  const closeSimulators = async (): Promise<void> => {
    for (const sim of simulators) await sim.close();
  };
  for (const link of links) {
    const sim = await startSimulator({
      protocol: link.protocol,
      port: link.port,
      controlPort: link.controlPort,
      account: DEMO_ACCOUNT,
      secret: link.secret,
      dlrDelayMs: 300,
      logger: logger.child({ component: 'simulator', gateway: link.id }),
      ...(link.peerPort !== null && {
        peer: { host: '127.0.0.1', port: link.peerPort, account: 'smg-demo', secret: link.secret },
      }),
    }).catch(async (err: unknown) => {
      await closeSimulators();
      throw new AppError(
        'ERR_LISTEN',
        `demo simulator ${link.id} 127.0.0.1:${link.port}/${link.controlPort}: ${(err as Error).message} — 可用 SMS12333_DEMO_SIMULATOR_PORT / SMS12333_DEMO_CONTROL_PORT 换端口`,
        { cause: err },
      );
    });
    simulators.push(sim);
  }
  // Listening before anything is printed: whoever reads the banner may stop us at once.
  const stopSignal = untilSignal();
  // The console's handset page plays a citizen through the in-process simulators' control ports.
  const handsets = links.map((link) => ({
    carrier: (link.gateway.carriers as string[] | undefined)?.[0] ?? link.id,
    name: link.name,
    controlUrl: `http://127.0.0.1:${link.controlPort}`,
  }));
  const platform = await startPlatform({ config, logger, handsets }).catch(async (err: unknown) => {
    await closeSimulators();
    throw err;
  });
  if (secrets) {
    await ensureDemoApp(platform.handle, secrets);
    await loadDemoPersons(platform.handle, platform.citizens.cipher);
    const consolePasswords = await ensureDemoConsoleUsers(
      platform.handle,
      loadAuditKey(config),
      DEMO_SECRETS,
    );
    process.stdout.write(
      demoBanner({
        interfaceUrl: platform.interfaceUrl ?? '(interface disabled)',
        links,
        secrets,
        databaseUrl: describeUrl(config.database.url),
        metricsUrl: platform.metricsUrl,
        dataKey: config.security.dataKey
          ? 'security.dataKey'
          : config.security.dataKeyFile || defaultDataKeyFile(config.database.url),
        consoleUrl: platform.consoleUrl,
        consoleUsers: await demoConsoleLines(platform.handle, DEMO_SECRETS, consolePasswords),
        sftpPort: platform.sftp?.port ?? null,
      }),
    );
  } else {
    if (config.console.enabled && (await countUsers(platform.handle.db)) === 0)
      logger.warn(
        { console: platform.consoleUrl },
        '控制台还没有用户，请先创建系统管理员和安全管理员 the console has no users yet: create the first administrators with ' +
          '`sms12333 user add --username NAME --role system-admin` and `sms12333 user add --username NAME --role security-admin` ' +
          '(add --config FILE as for serve)',
      );
    logger.info(
      {
        interface: platform.interfaceUrl,
        console: platform.consoleUrl,
        sftp: platform.sftp ? `${platform.sftp.host}:${platform.sftp.port}` : null,
        database: describeUrl(config.database.url),
        gateways: config.gateways.map((g) => g.id),
      },
      '平台已启动 platform started',
    );
  }
  const signal = await stopSignal;
  logger.info({ signal }, '正在停止 stopping');
  await platform.close();
  await closeSimulators();
  logger.flush();
  return 0;
}
