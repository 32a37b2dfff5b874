/** `sms12333 pdu decode`: what an operator with a packet capture types. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/bench/processes.js';

async function decode(
  protocol: string,
  hex: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = runCli(['pdu', 'decode', '--protocol', protocol, hex]);
  const code = await child.exited;
  return { code, out: child.stdout(), err: child.stderr() };
}

test('a CMPP 3.0 SUBMIT_RESP decodes to JSON with the spec names; malformed bytes exit non-zero', async () => {
  const ok = await decode('cmpp3', '000000188000000400000017b2b9da800001000000000000');
  assert.equal(ok.code, 0, ok.err);
  const json = JSON.parse(ok.out) as Record<string, unknown>;
  assert.equal(json.protocol, 'cmpp3');
  assert.match(ok.out, /"Msg_Id"/);
  assert.match(ok.out, /12878564852733378560/);

  const truncated = await decode('cmpp3', '0000001880000004000000');
  assert.equal(truncated.code, 1);
  assert.match(truncated.err, /TRUNCATED/);
  const unknown = await decode('x25', '00');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /UNSUPPORTED_PROTOCOL/);
});

test('every protocol is known to pdu decode', async () => {
  // An SMPP enquire_link and an SGIP UNBIND, header only.
  const smpp = await decode('smpp', '00000010000000150000000000000001');
  assert.equal(smpp.code, 0, smpp.err);
  assert.match(smpp.out, /enquire_link/i);
  const sgip = await decode('sgip', '000000140000000200000001000000020000000300000000'.slice(0, 40));
  assert.equal(sgip.code, 0, sgip.err);
  assert.match(sgip.out, /UNBIND/i);
});

test('--config FILE --gateway ID decodes in that gateway’s protocol', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms12333-pdu-'));
  try {
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        gateways: [
          {
            id: 'ctcc-1',
            protocol: 'smgp',
            port: 8890,
            account: '90123456',
            secret: 's',
            spNumber: '1065912333',
            carriers: ['ctcc'],
          },
        ],
      }),
    );
    // An SMGP Exit_Resp (0x80000006), header only.
    const child = runCli([
      'pdu',
      'decode',
      '--config',
      file,
      '--gateway',
      'ctcc-1',
      '0000000c8000000600000007',
    ]);
    assert.equal(await child.exited, 0, child.stderr());
    assert.match(child.stdout(), /"protocol": "smgp"/);
    const missing = runCli(['pdu', 'decode', '--config', file, '--gateway', 'nope', '00']);
    assert.equal(await missing.exited, 2);
    assert.match(missing.stderr(), /ctcc-1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
