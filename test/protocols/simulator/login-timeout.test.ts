/**
 * Every simulator closes a connection that has not logged in within its login timeout
 * (`loginTimeoutMs`, docs/security.md §9): nobody holds a carrier's port open without credentials.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { startSimulator } from '../../../src/protocols/simulator/index.js';

test('the four simulators close unauthenticated connections after the login timeout', async () => {
  const sims = await Promise.all(
    (['cmpp3', 'sgip', 'smgp', 'smpp'] as const).map((protocol) =>
      startSimulator({ protocol, port: 0, controlPort: null, account: '901234', secret: 's3cret' }),
    ),
  );
  try {
    for (const sim of sims) sim.configure({ loginTimeoutMs: 200 });
    await Promise.all(
      sims.map(async (sim) => {
        const socket = connect({ host: '127.0.0.1', port: sim.port });
        socket.on('error', () => undefined);
        await once(socket, 'connect');
        // A byte that frames nothing: the link is neither refused nor logged in.
        socket.write(Buffer.from([0]));
        await once(socket, 'close');
      }),
    );
    assert.equal(sims.length, 4);
  } finally {
    await Promise.all(sims.map((s) => s.close()));
  }
});
