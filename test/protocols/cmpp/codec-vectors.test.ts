/**
 * The shared vectors (public implementations' own test bytes, docs/protocols.md §1): every field given decodes
 * exactly, full PDUs re-encode to the same bytes, and the authenticator examples of docs/protocols.md §1.3 hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText } from '../../../src/domain/text/index.js';
import {
  CMPP_COMMAND_IDS,
  cmppAuthenticatorIsmg,
  cmppAuthenticatorSource,
  codingOfMsgFmt,
  decodeCmpp,
  decodeCmppReport,
  encodeCmpp,
  encodeCmppReport,
  parseCmppMsgId,
  type CmppPdu,
  type CmppReport,
  type CmppVersion,
} from '../../../src/protocols/cmpp/index.js';
import { loadVectors } from '../../helpers/vectors.js';

interface Vector {
  name: string;
  hex: string;
  kind?: 'report_body';
  auth?: { shared_secret: string; timestamp_str: string };
  decoded: Record<string, unknown>;
  asserted_by_source: string[];
}

type Getter = (pdu: Record<string, unknown>, frame: Buffer) => unknown;
const field =
  (name: string): Getter =>
  (pdu) =>
    pdu[name];
const hexOf =
  (name: string): Getter =>
  (pdu) =>
    (pdu[name] as Buffer).toString('hex');

/** Vector key → how to read it off our decoded PDU (names differ: the vectors use snake_case). */
const GETTERS: Record<string, Getter> = {
  total_length: (_pdu, frame) => frame.length,
  command_id: (pdu) => CMPP_COMMAND_IDS[pdu.command as CmppPdu['command']],
  command: field('command'),
  sequence_id: field('sequenceId'),
  source_addr: field('sourceAddr'),
  authenticator_source_hex: hexOf('authenticatorSource'),
  authenticator_ismg_hex: hexOf('authenticatorIsmg'),
  version: field('version'),
  timestamp: field('timestamp'),
  status: field('status'),
  result: field('result'),
  reserved: field('reserved'),
  pk_total: field('pkTotal'),
  pk_number: field('pkNumber'),
  registered_delivery: field('registeredDelivery'),
  msg_level: field('msgLevel'),
  service_id: field('serviceId'),
  fee_user_type: field('feeUserType'),
  fee_terminal_id: field('feeTerminalId'),
  tp_pid: field('tpPid'),
  tp_udhi: field('tpUdhi'),
  msg_fmt: field('msgFmt'),
  msg_src: field('msgSrc'),
  fee_type: field('feeType'),
  fee_code: field('feeCode'),
  valid_time: field('valIdTime'),
  at_time: field('atTime'),
  src_id: field('srcId'),
  dest_usr_tl: (pdu) => (pdu.destTerminalId as string[]).length,
  dest_terminal_id: field('destTerminalId'),
  dest_id: field('destId'),
  src_terminal_id: field('srcTerminalId'),
  src_terminal_type: field('srcTerminalType'),
  link_id: field('linkId'),
  msg_length: (pdu) => (pdu.msgContent as Buffer).length,
  text: (pdu) => decodeText(pdu.msgContent as Buffer, codingOfMsgFmt(pdu.msgFmt as number)),
};

/** JSON numbers above 2^53 lost digits in the vector file: compare as doubles, and exactly by hex when given. */
function checkMsgId(actual: bigint, expected: unknown, fields: unknown, where: string): void {
  assert.equal(Number(actual), expected, where);
  if (fields && typeof fields === 'object' && 'msg_id_hex' in fields) {
    const f = fields as {
      msg_id_hex: string;
      month: number;
      day: number;
      hour: number;
      minute: number;
      second: number;
      gateway_id: number;
      sequence: number;
    };
    assert.equal(actual.toString(16).padStart(16, '0'), f.msg_id_hex, where);
    assert.deepEqual(
      parseCmppMsgId(actual),
      {
        month: f.month,
        day: f.day,
        hour: f.hour,
        minute: f.minute,
        second: f.second,
        gatewayId: f.gateway_id,
        sequence: f.sequence,
      },
      where,
    );
  }
}

function checkReport(report: CmppReport, expected: Record<string, unknown>, where: string): void {
  checkMsgId(report.msgId, expected.msg_id, expected.msg_id_fields, `${where} report msg_id`);
  assert.equal(report.stat, expected.stat, `${where} stat`);
  assert.equal(report.submitTime, expected.submit_time, `${where} submit_time`);
  assert.equal(report.doneTime, expected.done_time, `${where} done_time`);
  assert.equal(report.destTerminalId, expected.dest_terminal_id, `${where} dest_terminal_id`);
  assert.equal(report.smscSequence, expected.smsc_sequence, `${where} smsc_sequence`);
}

for (const version of ['cmpp2', 'cmpp3'] as const satisfies readonly CmppVersion[]) {
  for (const v of loadVectors<Vector>(version)) {
    test(`${version} vector: ${v.name}`, () => {
      const bytes = Buffer.from(v.hex, 'hex');
      if (v.kind === 'report_body') {
        const report = decodeCmppReport(bytes);
        assert.ok(report.ok, report.ok ? '' : report.error.message);
        checkReport(report.value, v.decoded, v.name);
        assert.equal(
          encodeCmppReport(bytes.length === 60 ? 'cmpp2' : 'cmpp3', report.value).toString('hex'),
          v.hex,
        );
        return;
      }
      const decoded = decodeCmpp(version, bytes);
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
      const pdu = decoded.value as Record<string, unknown>;
      for (const [key, expected] of Object.entries(v.decoded)) {
        if (key === 'msg_id') checkMsgId(pdu.msgId as bigint, expected, v.decoded.msg_id_fields, v.name);
        else if (key === 'report') {
          const report = decodeCmppReport(pdu.msgContent as Buffer);
          assert.ok(report.ok);
          checkReport(report.value, expected as Record<string, unknown>, v.name);
        } else if (key !== 'msg_id_fields') {
          const get = GETTERS[key];
          assert.ok(get, `no getter for vector key ${key}`);
          assert.deepEqual(get(pdu, bytes), expected, `${v.name}: ${key}`);
        }
      }
      for (const key of v.asserted_by_source) assert.ok(key in v.decoded, `${key} is checked`);
      assert.equal(encodeCmpp(version, decoded.value).toString('hex'), v.hex, 're-encodes to the same bytes');
    });
  }
}

test('docs/protocols.md §1.3 authenticators: Source, and ISMG for each Status width', () => {
  const source = cmppAuthenticatorSource('900001', '888888', '1021080510');
  assert.equal(source.toString('hex'), '90d00c1d517abd0b4f65f6bcf8535d16');
  assert.equal(
    cmppAuthenticatorIsmg('cmpp2', 0, source, '888888').toString('hex'),
    '6c0b846e25bab6daa4ed1c466e0f4bd8',
  );
  assert.equal(
    cmppAuthenticatorIsmg('cmpp3', 0, source, '888888').toString('hex'),
    '7942977274098cf210ab0c16c367bc8d',
  );
});

test('the CONNECT vector carries the authenticator its secret and timestamp give', () => {
  const v = loadVectors<Vector>('cmpp2').find((x) => x.auth);
  assert.ok(v?.auth);
  const pdu = decodeCmpp('cmpp2', Buffer.from(v.hex, 'hex'));
  assert.ok(pdu.ok && pdu.value.command === 'CMPP_CONNECT');
  assert.deepEqual(
    pdu.value.authenticatorSource,
    cmppAuthenticatorSource(pdu.value.sourceAddr, v.auth.shared_secret, v.auth.timestamp_str),
  );
});
