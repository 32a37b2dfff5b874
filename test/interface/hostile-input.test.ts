/**
 * Hostile requests at the interface (docs/security.md §1): nested JSON, unsupported content types,
 * hosts outside every whitelist, slow headers and bodies, and too many connections from one address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { createTestApp } from '../helpers/apps.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestPlatform } from '../helpers/platform.js';

/** Connects from `localAddress` (any 127/8 address is loopback) and gathers what comes back. */
async function open(port: number, localAddress: string): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return { socket, received: () => text };
}

const closed = (socket: Socket): Promise<unknown> =>
  socket.destroyed ? Promise.resolve() : once(socket, 'close');

for (const dialect of DIALECTS) {
  test(`${dialect}: the interface stands up to hostile requests`, async (t) => {
    const tp = await startTestPlatform(dialect, {
      config: {
        interface: {
          host: '127.0.0.1',
          port: 0,
          headersTimeoutMs: 1000,
          requestTimeoutMs: 1500,
          maxConnectionsPerAddress: 4,
        },
      },
      // Loopback itself is in no whitelist: 127.0.0.2 stands for a listed business system.
      app: { ipWhitelist: ['10.0.0.0/8', '127.0.0.2/32'] },
    });
    t.after(() => tp.close());
    const app = tp.platform.interfaceApp;
    assert.ok(app);
    const port = Number(new URL(tp.url).port);
    const base = { appName: tp.appName, password: tp.password, content: '测试' };

    await t.test('deeply nested mobiles answer code 2, not a stack overflow', async () => {
      const depth = 100_000;
      const payload = `{"appName":"${tp.appName}","password":"${tp.password}","content":"x","mobiles":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const res = await app.inject({
        method: 'POST',
        url: '/api/sms/send',
        headers: { 'content-type': 'application/json' },
        payload,
        remoteAddress: '10.1.1.1',
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json<{ code: number }>().code, 2);
      const shallow = await tp.post(
        '/api/sms/send',
        { ...base, mobiles: [['13800138000']] },
        {
          remoteAddress: '10.1.1.1',
        },
      );
      assert.equal(shallow.json.code, 2);
    });

    await t.test('text/plain answers 415 as documented', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/sms/send',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify({ ...base, mobiles: '13800138000' }),
        remoteAddress: '10.1.1.1',
      });
      assert.equal(res.statusCode, 415);
      assert.equal(res.json<{ code: number }>().code, 2);
    });

    await t.test(
      'invisible characters cannot hide a second signature; no message leaves unsigned',
      async () => {
        const from = { remoteAddress: '10.1.1.1' };
        const send = (body: Record<string, unknown>) =>
          tp.post('/api/sms/send', { ...base, mobiles: '13800138000', ...body }, from);
        for (const lead of ['\u200b', '\u202e', '\ufeff', '\u2060\u3000', '\u3164'])
          assert.equal(
            (await send({ content: `${lead}【公安局】冒充签名` })).json.code,
            2,
            JSON.stringify(lead),
          );
        const ok = await send({ content: '\u200b\u200d通知' });
        assert.equal(ok.json.code, 1);
        const db = tp.platform.handle.db;
        const last = () =>
          db
            .selectFrom('batches')
            .select(['signature', 'content'])
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow();
        assert.deepEqual(await last(), { signature: '【人社局】', content: '通知' });

        await createTestApp(db, 'nosig', { signature: '', ipWhitelist: ['10.0.0.0/8'], balance: 10 });
        const unsigned = await send({ appName: 'nosig', content: '通知' });
        assert.equal(unsigned.json.code, 1);
        assert.deepEqual(await last(), { signature: '【12333】', content: '通知' });
      },
    );

    await t.test('an address no account lists is answered before its body is read', async () => {
      const { socket, received } = await open(port, '127.0.0.1');
      socket.write(
        'POST /api/sms/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      await closed(socket);
      assert.match(received(), /^HTTP\/1\.1 200/);
      assert.match(received(), /"code":5/);
      const health = await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.1' });
      assert.equal(health.statusCode, 200, 'health checks come from anywhere');
    });

    await t.test('slow headers and slow bodies are cut off', async () => {
      const slowHeaders = await open(port, '127.0.0.2');
      slowHeaders.socket.write('POST /api/sms/send HTTP/1.1\r\nHost: x\r\n');
      const slowBody = await open(port, '127.0.0.2');
      slowBody.socket.write(
        'POST /api/sms/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      const drip = setInterval(() => slowBody.socket.write(' '), 200);
      t.after(() => clearInterval(drip));
      await Promise.all([closed(slowHeaders.socket), closed(slowBody.socket)]);
      clearInterval(drip);
      assert.match(slowBody.received(), /^HTTP\/1\.1 408/);
    });

    await t.test('one address holds at most maxConnectionsPerAddress connections', async () => {
      const held = await Promise.all(Array.from({ length: 4 }, () => open(port, '127.0.0.3')));
      const extra = await open(port, '127.0.0.3');
      await closed(extra.socket);
      assert.ok(
        held.every((h) => !h.socket.destroyed),
        'the first four stay open',
      );
      assert.equal(extra.received(), '');
      const other = await open(port, '127.0.0.4');
      assert.equal(other.socket.destroyed, false, 'another address is not affected');
      for (const h of [...held, other]) h.socket.destroy();
    });
  });
}
