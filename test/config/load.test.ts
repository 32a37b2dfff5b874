import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'sms12333-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('defaults need no file', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.database.url, 'sqlite:./data/sms12333.db');
  assert.equal(c.interface.port, 8080);
  assert.equal(c.interface.maxMobiles, 1000);
  assert.equal(c.sending.maxSegments, 10);
  assert.deepEqual(c.gateways, []);
});

test('a file is read and SMS12333_* variables override it, with their types', () => {
  const path = file(
    'a.yaml',
    `
database: { url: "postgres://u:p@db:5432/sms" }
interface: { port: 9000 }
gateways:
  - { id: cmcc-1, protocol: cmpp3, port: 7890, account: "901234", secret: s, spNumber: "1065712333", carriers: [cmcc] }
`,
  );
  const c = loadConfig({
    file: path,
    env: {
      SMS12333_INTERFACE_PORT: '9100',
      SMS12333_SENDING_MAX_SEGMENTS: '5',
      SMS12333_INTERFACE_TRUST_PROXY: 'true',
    },
  });
  assert.equal(c.database.url, 'postgres://u:p@db:5432/sms');
  assert.equal(c.interface.port, 9100);
  assert.equal(c.interface.trustProxy, true);
  assert.equal(c.sending.maxSegments, 5);
  assert.equal(c.gateways[0]?.window, 16, 'gateway defaults filled in');
  assert.equal(c.gateways[0].host, '127.0.0.1');
  const viaEnv = loadConfig({ env: { SMS12333_CONFIG: path, SMS12333_GATEWAYS: '[]' } });
  assert.equal(viaEnv.interface.port, 9000);
  assert.deepEqual(viaEnv.gateways, []);
});

test('every error names the key and the reason', () => {
  const bad = file(
    'bad.yaml',
    `
interface: { port: 70000 }
sending: { maxSegmets: 3 }
gateways:
  - { id: x, protocol: cmpp9, port: 1, account: a, secret: "", spNumber: "12a", carriers: [] }
`,
  );
  assert.throws(
    () => loadConfig({ file: bad, env: {} }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CONFIG_INVALID');
      for (const key of [
        'interface.port',
        'sending',
        'maxSegmets',
        'gateways[0].protocol',
        'gateways[0].spNumber',
        'gateways[0].carriers',
      ])
        assert.ok(err.message.includes(key), `${key} in ${err.message}`);
      return true;
    },
  );
  const twice = file(
    'twice.yaml',
    `
gateways:
  - { id: x, protocol: cmpp3, port: 1, account: a, secret: "", spNumber: "1", carriers: [cmcc] }
  - { id: x, protocol: cmpp3, port: 2, account: a, secret: "", spNumber: "1", carriers: [cmcc], reconnectMinMs: 500, reconnectMaxMs: 100 }
`,
  );
  assert.throws(
    () => loadConfig({ file: twice, env: {} }),
    /gateways\[1\]\.id: duplicate gateway id x.*gateways\[1\]\.reconnectMaxMs/,
  );
  // A lease must outlast a request and its answer, and the sending of a claim (docs/multinode.md).
  const gateway = (more: string) =>
    `gateways: [{ id: g, protocol: cmpp3, port: 1, account: a, secret: "", spNumber: "1", carriers: [cmcc]${more} }]`;
  for (const [yaml, reason] of [
    [
      `dispatcher: { leaseSeconds: 60 }\n${gateway('')}`,
      /dispatcher\.leaseSeconds.*requestTimeoutMs \(30000\)/,
    ],
    [
      `dispatcher: { leaseSeconds: 4, claimBatch: 1000 }\n${gateway(', requestTimeoutMs: 1000, tps: 200')}`,
      /claimBatch 1000 at 200\/s/,
    ],
  ] as const)
    assert.throws(() => loadConfig({ file: file('lease.yaml', yaml), env: {} }), reason);
  assert.equal(
    loadConfig({
      file: file(
        'lease-ok.yaml',
        `dispatcher: { leaseSeconds: 4, claimBatch: 100 }\n${gateway(', requestTimeoutMs: 1000, tps: 200')}`,
      ),
      env: {},
    }).dispatcher.leaseSeconds,
    4,
  );
  assert.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), { code: 'ERR_CONFIG_FILE' });
  assert.throws(() => loadConfig({ file: file('list.yaml', '- 1\n- 2\n'), env: {} }), {
    code: 'ERR_CONFIG_INVALID',
  });
  assert.throws(() => loadConfig({ file: file('broken.yaml', 'a: [1,\n'), env: {} }), {
    code: 'ERR_CONFIG_INVALID',
  });
  assert.throws(() => loadConfig({ env: { SMS12333_INTERFACE_PORT: 'eighty' } }), /interface\.port/);
});

test('a province command named like a Table 1 command is refused at load, naming it', () => {
  const clash = file(
    'clash.yaml',
    `
citizen:
  extensions:
    - { code: KT, handler: { kind: resubscribe } }
    - { code: bd, handler: { kind: ticket, ticketKind: bind-help } }
`,
  );
  assert.throws(
    () => loadConfig({ file: clash, env: {} }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CONFIG_INVALID');
      assert.match(err.message, /citizen\.extensions\[1\]\.code/);
      assert.match(err.message, /标准指令名不可用作省级扩展指令/);
      assert.doesNotMatch(err.message, /extensions\[0\]/);
      return true;
    },
  );
});

test("a ministry link's push settings: defaults, and refused where they cannot work", () => {
  const ministry = (push: string, protocol = 'ministry') =>
    file(
      `push-${protocol}.yaml`,
      `
gateways:
  - { id: ministry, protocol: ${protocol}, url: "https://ministry.example:8443", port: 7890, spNumber: "1", account: prov21, secret: s, carriers: [cmcc], push: ${push} }
`,
    );
  const c = loadConfig({
    file: ministry('{ listenPort: 8290, secret: "0123456789abcdef" }'),
    env: {},
  });
  assert.deepEqual(c.gateways[0]?.push, {
    listenHost: '127.0.0.1',
    listenPort: 8290,
    secret: '0123456789abcdef',
    maxSkewSeconds: 300,
    catchUpMs: 60_000,
  });
  assert.throws(
    () => loadConfig({ file: ministry('{ listenPort: 8290, secret: short }'), env: {} }),
    /gateways\[0\]\.push\.secret: at least 16 characters/,
  );
  assert.throws(
    () =>
      loadConfig({ file: ministry('{ listenPort: 8290, secret: "0123456789abcdef" }', 'cmpp3'), env: {} }),
    /gateways\[0\]\.push: only a ministry link takes push callbacks/,
  );
});
