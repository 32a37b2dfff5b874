/** Set-up for the SMGP simulator tests: a simulated SMGW on an ephemeral port, bare SP clients. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { silentLogger } from '../../../src/shared/log.js';
import type {
  ProtocolServer,
  ProtocolServerOptions,
} from '../../../src/protocols/simulator/protocol-server.js';
import { startSmgpSimulator } from '../../../src/protocols/smgp/index.js';
import { TestSmgpClient } from './smgp-client.js';

export const ACCOUNT = '10612333';
export const SECRET = 'sim-secret';

/** A simulated SMGW closed after the test; gateway code 10061 makes the SMGW code "010061". */
export async function startSim(
  t: TestContext,
  overrides: Partial<ProtocolServerOptions> = {},
): Promise<ProtocolServer> {
  const sim = await startSmgpSimulator({
    host: '127.0.0.1',
    port: 0,
    account: ACCOUNT,
    secret: SECRET,
    dlrDelayMs: 10,
    failRate: 0,
    seed: 1,
    gatewayCode: 10061,
    logger: silentLogger(),
    peer: null,
    ...overrides,
  });
  t.after(() => sim.close());
  return sim;
}

/** A bare SP logged in with the right credentials (Delivers auto-acknowledged unless `autoAck` false). */
export async function loggedIn(
  t: TestContext,
  sim: ProtocolServer,
  options: { autoAck?: boolean; loginMode?: number; clientVersion?: number } = {},
): Promise<TestSmgpClient> {
  const client = await TestSmgpClient.open(sim.port);
  t.after(() => client.close());
  // Before the login: what the simulator owes the account follows the Login_Resp at once.
  client.autoAck = options.autoAck ?? true;
  if (options.clientVersion === 0x13) client.layout = 'smgp13';
  const resp = await client.login(ACCOUNT, SECRET, options);
  assert.equal(resp.status, 0);
  return client;
}

/** UCS-2 (UTF-16BE) bytes of a text, as MsgFormat 8 carries it. */
export function ucs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}
