/**
 * Golden byte vectors: every SGIP PDU written out field by field from the spec (SGIP 1.2 §4.2.2,
 * §4.2.3, §4.4; docs/protocols.md §2), checked both ways; the shared vectors from public implementations
 * (test/vectors/sgip.json) with every field they give; the sequence triple helpers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../../../src/shared/errors.js';
import {
  decodeSgip,
  decodeSgipTraceEntry,
  encodeSgip,
  encodeSgipTraceEntry,
  parseSgipSequenceText,
  SGIP_COMMAND_IDS,
  sequenceOf,
  SgipSequencer,
  sgipSequenceText,
  sgipSpNodeId,
  sgipTime,
  type SgipPdu,
} from '../../../src/protocols/sgip/index.js';
import { loadVectors } from '../../helpers/vectors.js';

/** Text: ASCII, NUL-padded on the right to `size` (§4.2.1). */
const str = (text: string, size: number): string =>
  Buffer.from(text, 'latin1')
    .toString('hex')
    .padEnd(size * 2, '0');
const n = (value: number, size: number): string => value.toString(16).padStart(size * 2, '0');
const zeros = (size: number): string => '00'.repeat(size);
const SEQ = { sequenceNode: 3010012333, sequenceTime: 1120203225, sequenceCounter: 7 };
const seqHex = n(3010012333, 4) + n(1120203225, 4) + n(7, 4);
/** Header: Message Length, Command ID, Sequence Number over the body's hex (§4.2.2). */
const pdu = (commandId: number, ...body: string[]): string => {
  const b = body.join('');
  return n(20 + b.length / 2, 4) + n(commandId, 4) + seqHex + b;
};

const udhText = Buffer.concat([Buffer.from('050003a70201', 'hex'), Buffer.from('hello', 'latin1')]);
const ucs2 = Buffer.from('4f60597d', 'hex'); // 你好
const traceEntry = {
  result: 0,
  nodeId: '101230',
  receiveTime: '241102150405',
  sendTime: '241102150406',
  reserve: '',
};

const cases: { name: string; pdu: SgipPdu; hex: string }[] = [
  {
    name: 'BIND (41 octets, clear password)',
    pdu: {
      command: 'SGIP_BIND',
      ...SEQ,
      loginType: 1,
      loginName: 'sp12333',
      loginPassword: 'secret',
      reserve: '',
    },
    hex: pdu(0x1, '01', str('sp12333', 16), str('secret', 16), zeros(8)),
  },
  {
    name: 'BIND_RESP',
    pdu: { command: 'SGIP_BIND_RESP', ...SEQ, result: 1, reserve: '' },
    hex: pdu(0x80000001, '01', zeros(8)),
  },
  { name: 'UNBIND (no body)', pdu: { command: 'SGIP_UNBIND', ...SEQ }, hex: pdu(0x2) },
  { name: 'UNBIND_RESP (no body)', pdu: { command: 'SGIP_UNBIND_RESP', ...SEQ }, hex: pdu(0x80000002) },
  {
    name: 'SUBMIT (two users, UDH, MessageLength 4 octets)',
    pdu: {
      command: 'SGIP_SUBMIT',
      ...SEQ,
      spNumber: '106550123330001',
      chargeNumber: '000000000000000000000',
      userNumber: ['8613012345678', '8618612345678'],
      corpId: '12333',
      serviceType: 'HRSS12333',
      feeType: 1,
      feeValue: '0',
      givenValue: '0',
      agentFlag: 0,
      morelatetoMtFlag: 2,
      priority: 0,
      expireTime: '',
      scheduleTime: '',
      reportFlag: 1,
      tpPid: 0,
      tpUdhi: 1,
      messageCoding: 0,
      messageType: 0,
      messageContent: udhText,
      reserve: '',
    },
    hex: pdu(
      0x3,
      str('106550123330001', 21),
      str('0'.repeat(21), 21),
      '02',
      str('8613012345678', 21),
      str('8618612345678', 21),
      str('12333', 5),
      str('HRSS12333', 10),
      '01',
      str('0', 6),
      str('0', 6),
      '00',
      '02',
      '00',
      zeros(16),
      zeros(16),
      '01',
      '00',
      '01',
      '00',
      '00',
      n(udhText.length, 4),
      udhText.toString('hex'),
      zeros(8),
    ),
  },
  {
    name: 'SUBMIT_RESP',
    pdu: { command: 'SGIP_SUBMIT_RESP', ...SEQ, result: 61, reserve: '' },
    hex: pdu(0x80000003, '3d', zeros(8)),
  },
  {
    name: 'DELIVER (UCS-2)',
    pdu: {
      command: 'SGIP_DELIVER',
      ...SEQ,
      userNumber: '8613012345678',
      spNumber: '1065501233300',
      tpPid: 0,
      tpUdhi: 0,
      messageCoding: 8,
      messageContent: ucs2,
      reserve: '',
    },
    hex: pdu(
      0x4,
      str('8613012345678', 21),
      str('1065501233300', 21),
      '00',
      '00',
      '08',
      n(4, 4),
      ucs2.toString('hex'),
      zeros(8),
    ),
  },
  {
    name: 'DELIVER_RESP',
    pdu: { command: 'SGIP_DELIVER_RESP', ...SEQ, result: 0, reserve: '' },
    hex: pdu(0x80000004, '00', zeros(8)),
  },
  {
    name: 'REPORT (44-octet body, 64 in all)',
    pdu: {
      command: 'SGIP_REPORT',
      ...SEQ,
      submitSequenceNode: 3010012333,
      submitSequenceTime: 1102150405,
      submitSequenceCounter: 4294967295,
      reportType: 0,
      userNumber: '8613012345678',
      state: 2,
      errorCode: 25,
      reserve: '',
    },
    hex: pdu(
      0x5,
      n(3010012333, 4),
      n(1102150405, 4),
      'ffffffff',
      '00',
      str('8613012345678', 21),
      '02',
      '19',
      zeros(8),
    ),
  },
  {
    name: 'REPORT_RESP',
    pdu: { command: 'SGIP_REPORT_RESP', ...SEQ, result: 11, reserve: '' },
    hex: pdu(0x80000005, '0b', zeros(8)),
  },
  {
    name: 'TRACE (§4.4.1)',
    pdu: {
      command: 'SGIP_TRACE',
      ...SEQ,
      submitSequenceNode: 3010012333,
      submitSequenceTime: 1102150405,
      submitSequenceCounter: 1,
      userNumber: '8613012345678',
      reserve: '',
    },
    hex: pdu(0x1000, n(3010012333, 4), n(1102150405, 4), n(1, 4), str('8613012345678', 21), zeros(8)),
  },
  {
    name: 'TRACE_RESP with one entry (§4.4.2)',
    pdu: { command: 'SGIP_TRACE_RESP', ...SEQ, entries: [encodeSgipTraceEntry(traceEntry)] },
    hex: pdu(
      0x80001000,
      '01',
      '00',
      str('101230', 6),
      str('241102150405', 16),
      str('241102150406', 16),
      zeros(8),
    ),
  },
];

for (const c of cases) {
  test(`golden: ${c.name}`, () => {
    const bytes = encodeSgip(c.pdu);
    assert.equal(bytes.toString('hex'), c.hex);
    assert.deepEqual(decodeSgip(Buffer.from(c.hex, 'hex')), { ok: true, value: c.pdu });
  });
}

test('REPORT is 64 octets in all and BIND 61 (docs/protocols.md §2.3)', () => {
  const report = cases.find((c) => c.pdu.command === 'SGIP_REPORT')!;
  assert.equal(report.hex.length / 2, 64);
  const bind = cases.find((c) => c.pdu.command === 'SGIP_BIND')!;
  assert.equal(bind.hex.length / 2, 20 + 41);
});

test('TRACE_RESP entries decode field by field', () => {
  const raw = encodeSgipTraceEntry(traceEntry);
  assert.equal(raw.length, 47);
  assert.deepEqual(decodeSgipTraceEntry(raw), { ok: true, value: traceEntry });
  assert.equal(decodeSgipTraceEntry(raw.subarray(0, 46)).ok, false);
});

test('encoding refuses what a field cannot carry, before writing anything', () => {
  const submit = cases.find((c) => c.pdu.command === 'SGIP_SUBMIT')!.pdu;
  assert.throws(
    () => encodeSgip({ ...submit, spNumber: '1'.repeat(22) } as SgipPdu),
    (err) => isAppError(err, 'ERR_PROTOCOL_ENCODE'),
  );
  assert.throws(
    () => encodeSgip({ ...submit, userNumber: Array(101).fill('8613012345678') } as SgipPdu),
    (err) => isAppError(err, 'ERR_PROTOCOL_ENCODE'),
  );
});

interface Vector {
  name: string;
  hex: string;
  kind?: 'node_id';
  decoded: Record<string, unknown>;
  asserted_by_source: string[];
}

/** Vector key → how to read it off our decoded PDU (the vectors use snake_case). */
const FIELD: Record<string, (pdu: Record<string, unknown>, frame: Buffer) => unknown> = {
  total_length: (_p, frame) => frame.length,
  command_id: (p) => SGIP_COMMAND_IDS[p.command as SgipPdu['command']],
  sequence: (p) => [p.sequenceNode, p.sequenceTime, p.sequenceCounter],
  sp_number: (p) => p.spNumber,
  charge_number: (p) => p.chargeNumber,
  user_count: (p) => (p.userNumber as string[]).length,
  user_number: (p) => p.userNumber,
  corp_id: (p) => p.corpId,
  service_type: (p) => p.serviceType,
  fee_type: (p) => p.feeType,
  fee_value: (p) => p.feeValue,
  given_value: (p) => p.givenValue,
  agent_flag: (p) => p.agentFlag,
  morelateto_mt_flag: (p) => p.morelatetoMtFlag,
  priority: (p) => p.priority,
  expire_time: (p) => p.expireTime,
  schedule_time: (p) => p.scheduleTime,
  report_flag: (p) => p.reportFlag,
  tp_pid: (p) => p.tpPid,
  tp_udhi: (p) => p.tpUdhi,
  message_coding: (p) => p.messageCoding,
  message_type: (p) => p.messageType,
  message_length: (p) => (p.messageContent as Buffer).length,
  text: (p) => (p.messageContent as Buffer).toString('latin1'),
  reserve: (p) => p.reserve,
};

for (const v of loadVectors<Vector>('sgip')) {
  if (v.kind === 'node_id') {
    test(`vector: ${v.name}`, () => {
      const [, area, corp] = /area=(\d+) corp=(\d+)/.exec(v.name) ?? [];
      const node = sgipSpNodeId(area!, corp!);
      assert.equal(node, v.decoded.node_id);
      // The node id as the first word of a Sequence Number: an unsigned 32-bit integer.
      const frame = encodeSgip({
        command: 'SGIP_UNBIND',
        sequenceNode: node,
        sequenceTime: 0,
        sequenceCounter: 0,
      });
      assert.equal(frame.subarray(8, 12).toString('hex'), v.hex);
    });
    continue;
  }
  test(`vector: ${v.name} — every field given decodes, and the bytes encode back`, () => {
    const frame = Buffer.from(v.hex, 'hex');
    const decoded = decodeSgip(frame);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    const pdu = decoded.value as unknown as Record<string, unknown>;
    for (const [key, expected] of Object.entries(v.decoded)) {
      const get = FIELD[key];
      assert.ok(get, `no reader for vector field ${key}`);
      assert.deepEqual(get(pdu, frame), expected, key);
    }
    for (const key of v.asserted_by_source) assert.ok(key in v.decoded);
    assert.equal(encodeSgip(decoded.value).toString('hex'), v.hex);
    // The triple a REPORT on this SUBMIT would name it by.
    assert.equal(sgipSequenceText(sequenceOf(decoded.value)), '0-301151218-1857753309');
  });
}

test('sequence: time is Beijing mmddhhmmss (§3.4); the text form parses back; the counter wraps', () => {
  // 20 Nov 20:32:25 Beijing is 12:32:25 UTC — the spec's own example, 1120203225.
  assert.equal(sgipTime(Date.UTC(2024, 10, 20, 12, 32, 25)), 1120203225);
  assert.equal(sgipTime(Date.UTC(2024, 0, 1, 16, 0, 0)), 102000000, '2 Jan 00:00:00 Beijing');
  const s = { node: 3020092008, time: 1120203225, counter: 4294967295 };
  assert.equal(sgipSequenceText(s), '3020092008-1120203225-4294967295');
  assert.deepEqual(parseSgipSequenceText(sgipSequenceText(s)), s);
  assert.equal(parseSgipSequenceText('1-2'), null);
  assert.equal(parseSgipSequenceText('4294967296-1-1'), null);
  const clock = { now: () => Date.UTC(2024, 10, 20, 12, 32, 25) };
  const sequencer = new SgipSequencer(3020092008, clock, 0xfffffffe);
  assert.deepEqual(
    [sequencer.next(), sequencer.next(), sequencer.next()].map((x) => x.counter),
    [0xfffffffe, 0xffffffff, 0],
  );
  assert.equal(new SgipSequencer(1, clock).next().counter, 0, 'from 0 by default (§3.4)');
  assert.throws(() => sgipSpNodeId('01', '1234'), RangeError);
});
