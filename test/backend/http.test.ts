/**
 * The http backend against real servers on loopback: plain HTTP, and HTTPS that demands a client
 * certificate (a throw-away CA made with openssl for the run — if that fails, the test fails).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { HttpBackend } from '../../src/backend/http.js';
import { BackendUnavailableError, type UnavailableReason } from '../../src/backend/types.js';
import { freePort } from '../../src/bench/processes.js';
import { validateConfig } from '../../src/config/load.js';
import type { BackendHttpSettings } from '../../src/config/schema.js';
import { isAppError } from '../../src/shared/errors.js';
import { testCertificates } from '../helpers/certificates.js';

interface Seen {
  path: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

type Handler = (seen: Seen, res: http.ServerResponse) => void;

interface TestServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function serve(handler: Handler, tls?: https.ServerOptions): Promise<TestServer> {
  const seen: Seen[] = [];
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        headers: req.headers,
      };
      seen.push(entry);
      handler(entry, res);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/core/api/`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: http.ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function settings(url: string, extra: Record<string, unknown> = {}): BackendHttpSettings {
  const config = validateConfig({
    backend: {
      kind: 'http',
      http: { baseUrl: url, timeoutMs: 300, retries: 2, retryBackoffMs: 5, ...extra },
    },
  });
  return config.backend.http!;
}

function unavailable(reason: UnavailableReason, status?: number) {
  return (err: unknown): boolean =>
    err instanceof BackendUnavailableError &&
    err.code === 'ERR_BACKEND_UNAVAILABLE' &&
    err.reason === reason &&
    (status === undefined || err.status === status);
}

const SSN = '21010219780416107X';

const core: Handler = (seen, res) => {
  const { path, body } = seen;
  if (path === '/core/api/person')
    json(res, {
      person:
        body.ssn === SSN
          ? {
              name: '林小红',
              insurances: [{ type: '基本医疗保险', status: '正常参保' }],
              pension: { balanceCents: 2_222_250, asOf: '2024-05' },
              extra: { city: '沈阳市' },
            }
          : null,
    });
  else if (path === '/core/api/person/verify-password')
    json(res, { result: body.ssn !== SSN ? 'no-person' : body.password === '998877' ? 'ok' : 'wrong' });
  else if (path === '/core/api/person/change-password')
    json(res, { result: body.ssn === SSN ? 'ok' : 'no-person' });
  else if (path === '/core/api/cards/loss') json(res, { reference: `CARD-${String(body.requestNo)}` });
  else if (path === '/core/api/query/medical-balance')
    json(res, { fields: body.operation === 'medical-balance' ? { balance: '321.00' } : null });
  else json(res, { error: 'no such path' }, 404);
};

test('every operation over HTTP: JSON bodies, auth headers, answers mapped', async (t) => {
  const server = await serve(core);
  t.after(() => server.close());
  const backend = new HttpBackend(
    settings(server.url, {
      bearerToken: 'tok-123',
      headers: { 'x-api-key': 'k1' },
      paths: { cardLoss: '/cards/loss', query: '/query/{operation}' },
    }),
  );
  t.after(() => backend.close());
  assert.equal(backend.kind, 'http');

  assert.deepEqual(await backend.findPerson(SSN.toLowerCase()), {
    ssn: SSN,
    name: '林小红',
    insurances: [{ type: '基本医疗保险', status: '正常参保' }],
    pension: { balanceCents: 2_222_250, asOf: '2024-05' },
    extra: { city: '沈阳市' },
  });
  assert.deepEqual(server.seen[0]!.body, { ssn: SSN }, 'the canonical SSN, in the body');
  assert.equal(server.seen[0]!.headers.authorization, 'Bearer tok-123');
  assert.equal(server.seen[0]!.headers['x-api-key'], 'k1');
  assert.match(server.seen[0]!.headers['content-type'] ?? '', /application\/json/);
  assert.equal(await backend.findPerson('210102196503120106'), null);

  assert.equal(await backend.verifyServicePassword(SSN, '998877'), 'ok');
  assert.equal(await backend.verifyServicePassword(SSN, '000000'), 'wrong');
  assert.equal(await backend.verifyServicePassword('210102196503120106', '000000'), 'no-person');
  assert.equal(await backend.changeServicePassword(SSN, '123456'), 'ok');
  assert.deepEqual(server.seen.at(-1)?.body, { ssn: SSN, newPassword: '123456' });
  assert.equal(await backend.changeServicePassword('210102196503120106', '123456'), 'no-person');
  assert.deepEqual(await backend.reportCardLoss({ ssn: SSN, requestNo: 'GS0001', mobile: '13800138000' }), {
    reference: 'CARD-GS0001',
  });
  assert.deepEqual(await backend.query('medical-balance', { ssn: SSN }), { balance: '321.00' });
  assert.deepEqual(server.seen.at(-1)?.body, { operation: 'medical-balance', params: { ssn: SSN } });
  for (const s of server.seen) assert.ok(!s.path.includes(SSN), 'never an SSN in a URL');

  const noCards = new HttpBackend(settings(server.url));
  t.after(() => noCards.close());
  const before = server.seen.length;
  assert.equal(await noCards.reportCardLoss({ ssn: SSN, requestNo: 'GS2', mobile: '13800138000' }), null);
  assert.equal(server.seen.length, before, 'no card system: nothing sent');
});

test('reads are retried on 5xx and succeed when the core recovers; writes are tried once', async (t) => {
  let failures = 2;
  const server = await serve((seen, res) => {
    if (failures > 0) {
      failures -= 1;
      json(res, { error: 'busy' }, 503);
    } else core(seen, res);
  });
  t.after(() => server.close());
  const backend = new HttpBackend(settings(server.url));
  t.after(() => backend.close());
  assert.equal((await backend.findPerson(SSN))?.name, '林小红');
  assert.equal(server.seen.length, 3, 'two failures, then the answer');

  failures = 3;
  await assert.rejects(backend.findPerson(SSN), unavailable('status', 503));
  assert.equal(server.seen.length, 6, '1 + retries attempts, then give up');

  failures = 1;
  await assert.rejects(backend.verifyServicePassword(SSN, '998877'), unavailable('status', 503));
  failures = 1;
  await assert.rejects(backend.changeServicePassword(SSN, '111111'), unavailable('status', 503));
  assert.equal(server.seen.length, 8, 'password calls are not repeated');
  const cards = new HttpBackend(settings(server.url, { paths: { cardLoss: '/cards/loss' } }));
  t.after(() => cards.close());
  failures = 1;
  await assert.rejects(
    cards.reportCardLoss({ ssn: SSN, requestNo: 'GS3', mobile: '13800138000' }),
    unavailable('status', 503),
  );
  assert.equal(server.seen.length, 9, 'a card-loss report is not repeated');
});

test('timeouts, 4xx and malformed answers are "unavailable"; nothing is left hanging', async (t) => {
  const held: http.ServerResponse[] = [];
  let mode: 'silent' | 'not-json' | 'wrong-shape' | 'bad-month' | '404' = 'silent';
  const server = await serve((_seen, res) => {
    if (mode === 'silent') held.push(res);
    else if (mode === 'not-json') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>gateway</html>');
    } else if (mode === 'wrong-shape') json(res, { result: 'maybe' });
    else if (mode === 'bad-month')
      json(res, { person: { name: 'x', insurances: [], pension: { balanceCents: 1, asOf: '2024-13' } } });
    else json(res, {}, 404);
  });
  t.after(() => server.close());
  const backend = new HttpBackend(settings(server.url, { timeoutMs: 150, retries: 1 }));
  t.after(() => backend.close());

  const started = Date.now();
  await assert.rejects(backend.findPerson(SSN), unavailable('timeout'));
  assert.equal(server.seen.length, 2, 'a timed-out read is tried again');
  assert.ok(Date.now() - started < 5_000);
  await assert.rejects(backend.verifyServicePassword(SSN, '1'), unavailable('timeout'));
  assert.equal(server.seen.length, 3);

  mode = 'not-json';
  await assert.rejects(backend.findPerson(SSN), unavailable('malformed'));
  assert.equal(server.seen.length, 4, 'a malformed answer is not retried');
  mode = 'wrong-shape';
  await assert.rejects(backend.verifyServicePassword(SSN, '1'), unavailable('malformed'));
  mode = 'bad-month';
  await assert.rejects(backend.findPerson(SSN), unavailable('malformed'));
  mode = '404';
  await assert.rejects(backend.query('x', {}), unavailable('status', 404));
  assert.equal(server.seen.length, 7, '4xx is not retried');
  for (const res of held) res.destroy();
});

test('bad TLS files or header values are configuration errors', () => {
  assert.throws(
    () => new HttpBackend(settings('https://127.0.0.1:1', { tls: { ca: '/nonexistent/ca.pem' } })),
    (err) => isAppError(err, 'ERR_CONFIG_FILE'),
  );
  assert.throws(
    () => new HttpBackend(settings('http://127.0.0.1:1', { headers: { 'x-key': 'line\nbreak' } })),
    (err) => isAppError(err, 'ERR_CONFIG_INVALID'),
  );
});

test('a refused connection is "unavailable" after the retries; a closed backend refuses at once', async () => {
  const port = await freePort();
  const backend = new HttpBackend(settings(`http://127.0.0.1:${port}`, { retries: 2, retryBackoffMs: 1 }));
  await assert.rejects(backend.findPerson(SSN), unavailable('connection'));
  await assert.rejects(backend.changeServicePassword(SSN, '1'), unavailable('connection'));
  await backend.close();
  await assert.rejects(backend.findPerson(SSN), unavailable('connection'));
});

test('HTTPS with a required client certificate: ours is accepted, none or a stranger is refused', async (t) => {
  const certs = testCertificates(t, 'sms12333-tls-');
  certs.sign('server', '/CN=core.test', 'IP:127.0.0.1,DNS:localhost');
  certs.sign('client', '/CN=sms12333');
  // A client certificate the core's CA never signed.
  certs.selfSigned('stranger', '/CN=stranger');
  const at = certs.file;
  const files = {
    ca: at('ca.crt'),
    serverKey: at('server.key'),
    serverCert: at('server.crt'),
    clientKey: at('client.key'),
    clientCert: at('client.crt'),
    strangerKey: at('stranger.key'),
    strangerCert: at('stranger.crt'),
  };
  const server = await serve(core, {
    key: readFileSync(files.serverKey),
    cert: readFileSync(files.serverCert),
    ca: readFileSync(files.ca),
    requestCert: true,
    rejectUnauthorized: true,
  });
  t.after(() => server.close());

  const good = new HttpBackend(
    settings(server.url, { tls: { cert: files.clientCert, key: files.clientKey, ca: files.ca } }),
  );
  t.after(() => good.close());
  assert.equal((await good.findPerson(SSN))?.name, '林小红');
  assert.equal(await good.verifyServicePassword(SSN, '998877'), 'ok', 'the kept-alive connection is reused');

  const noCert = new HttpBackend(settings(server.url, { retries: 0, tls: { ca: files.ca } }));
  t.after(() => noCert.close());
  await assert.rejects(noCert.findPerson(SSN), unavailable('connection'));

  const stranger = new HttpBackend(
    settings(server.url, {
      retries: 0,
      tls: { cert: files.strangerCert, key: files.strangerKey, ca: files.ca },
    }),
  );
  t.after(() => stranger.close());
  await assert.rejects(stranger.findPerson(SSN), unavailable('connection'));

  const untrusting = new HttpBackend(
    settings(server.url, { retries: 0, tls: { cert: files.clientCert, key: files.clientKey } }),
  );
  t.after(() => untrusting.close());
  await assert.rejects(
    untrusting.findPerson(SSN),
    unavailable('connection'),
    "the core's certificate is checked",
  );
  assert.equal(server.seen.length, 2, 'only the good client got through');
});
