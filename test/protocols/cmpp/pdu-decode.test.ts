import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import { encodeCmpp } from '../../../src/protocols/cmpp/index.js';
import { decodePduHex } from '../../../src/protocols/pdu-decode.js';
import { loadVectors } from '../../helpers/vectors.js';

const vectors = loadVectors<{ name: string; hex: string }>('cmpp3');

test('a DELIVER report comes out with spec names and the report decoded', () => {
  const v = vectors.find((x) => x.name.includes('status report'));
  assert.ok(v);
  const r = decodePduHex('cmpp3', v.hex);
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.equal(json.command, 'CMPP_DELIVER');
  assert.equal(json.Total_Length, 169);
  assert.equal(json.Command_Id, '0x00000005');
  assert.equal(json.Msg_Id, '14037584734375116863', 'bigint as decimal text');
  assert.equal(json.Msg_Length, 60);
  assert.equal(json.LinkID, '0000000000000123456');
  const content = json.Msg_Content as { report: Record<string, unknown> };
  assert.deepEqual(content.report, {
    Msg_Id: '14037583701814237656',
    Stat: 'DELIVRD',
    Submit_time: '2212051956',
    Done_time: '2212051956',
    Dest_terminal_Id: '10086988',
    SMSC_sequence: 255,
  });
});

test('an uplink decodes its text by Msg_Fmt; a UDH is split off with its concat info', () => {
  const payload = Buffer.from('4f60597d', 'hex'); // "你好" in UCS-2
  const frame = encodeCmpp('cmpp2', {
    command: 'CMPP_DELIVER',
    sequenceId: 1,
    msgId: 5n,
    destId: '10657',
    serviceId: '',
    tpPid: 0,
    tpUdhi: 1,
    msgFmt: 8,
    srcTerminalId: '13800138000',
    registeredDelivery: 0,
    msgContent: Buffer.concat([concatUdh(7, 2, 1), payload]),
  });
  const r = decodePduHex('cmpp2', ` 0x${frame.toString('hex').toUpperCase()} `);
  assert.ok(r.ok);
  const content = (r.json as { Msg_Content: Record<string, unknown> }).Msg_Content;
  assert.equal(content.text, '你好');
  assert.equal(content.udh, '050003070201');
  assert.deepEqual(content.concat, { reference: 7, total: 2, partNo: 1 });
});

test('back-to-back PDUs come out as an array', () => {
  const both = vectors
    .slice(0, 2)
    .map((v) => v.hex)
    .join('');
  const r = decodePduHex('cmpp3', both);
  assert.ok(r.ok && Array.isArray(r.json) && r.json.length === 2);
});

test('errors are typed: bad hex, unsupported protocol, incomplete or malformed PDU', () => {
  const codeOf = (protocol: string, hex: string): string | null => {
    const r = decodePduHex(protocol, hex);
    return r.ok ? null : r.error.code;
  };
  assert.equal(codeOf('cmpp2', 'zz'), 'BAD_HEX');
  assert.equal(codeOf('cmpp2', 'abc'), 'BAD_HEX');
  assert.equal(codeOf('x25', '00'), 'UNSUPPORTED_PROTOCOL');
  assert.equal(codeOf('cmpp2', '0000000c000000080000'), 'TRUNCATED');
  assert.equal(codeOf('cmpp2', '0000000c0000000800000017ff'), 'TRUNCATED');
  assert.equal(codeOf('cmpp2', '0000000c0000000300000017'), 'UNKNOWN_COMMAND');
  assert.equal(codeOf('cmpp2', 'ffffffff'), 'TOO_LONG');
});
