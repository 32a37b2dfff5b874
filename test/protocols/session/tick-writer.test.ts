/**
 * The tick writer (src/protocols/session/tick-writer.ts) over a real loopback connection: writes of
 * one turn arrive together; a carrier link frozen between its writes and their flush drops the
 * connection instead of letting stale PDUs out (docs/multinode.md "Writing in time").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { createTickWriter } from '../../../src/protocols/session/tick-writer.js';

async function pair(): Promise<{
  client: Socket;
  received: () => Buffer;
  closed: Promise<unknown>;
  close: () => void;
}> {
  const chunks: Buffer[] = [];
  let serverSide: Socket | null = null;
  let ended: () => void = () => {};
  const closed = new Promise<void>((resolve) => (ended = resolve));
  const server = createServer((s) => {
    serverSide = s;
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => ended());
    s.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = connect({ host: '127.0.0.1', port });
  client.on('error', () => undefined);
  await once(client, 'connect');
  return {
    client,
    received: () => Buffer.concat(chunks),
    closed,
    close: () => {
      client.destroy();
      serverSide?.destroy();
      server.close();
    },
  };
}

test('writes of one turn arrive, in order', async (t) => {
  const p = await pair();
  t.after(p.close);
  const write = createTickWriter(p.client, { dropAfterStallMs: 1000, now: () => 5 });
  write(Buffer.from('one,'));
  write(Buffer.from('two'));
  const deadline = Date.now() + 5000;
  while (p.received().toString() !== 'one,two' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(p.received().toString(), 'one,two');
  assert.equal(p.client.destroyed, false);
});

test('frozen between the writes and their flush, the link drops them and closes', async (t) => {
  const p = await pair();
  t.after(p.close);
  // The first reading is the cork, the second the flush: two seconds apart, as after SIGSTOP/SIGCONT.
  const readings = [1_000, 3_000];
  const write = createTickWriter(p.client, { dropAfterStallMs: 1000, now: () => readings.shift() ?? 3_000 });
  write(Buffer.from('stale submit'));
  await p.closed;
  assert.equal(p.client.destroyed, true);
  assert.equal(p.received().length, 0, 'nothing of the stale burst left the process');
});

test('without a stall limit (the simulators) a late flush still goes out', async (t) => {
  const p = await pair();
  t.after(p.close);
  const readings = [1_000, 60_000];
  const write = createTickWriter(p.client, { now: () => readings.shift() ?? 60_000 });
  write(Buffer.from('report'));
  const deadline = Date.now() + 5000;
  while (p.received().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(p.received().toString(), 'report');
});
