/** Starting the simulated SMSC for tests: account `smppacct`, password `pw12345`, a short receipt delay. */
import { silentLogger } from '../../../src/shared/log.js';
import type { ProtocolServer } from '../../../src/protocols/simulator/protocol-server.js';
import { startSmppSimulator } from '../../../src/protocols/smpp/index.js';

export const SIM_ACCOUNT = 'smppacct';
export const SIM_SECRET = 'pw12345';

export function startSim(patch: { dlrDelayMs?: number; failRate?: number } = {}): Promise<ProtocolServer> {
  return startSmppSimulator({
    host: '127.0.0.1',
    port: 0,
    account: SIM_ACCOUNT,
    secret: SIM_SECRET,
    dlrDelayMs: patch.dlrDelayMs ?? 10,
    failRate: patch.failRate ?? 0,
    seed: 1,
    gatewayCode: 1,
    logger: silentLogger(),
    peer: null,
  });
}
