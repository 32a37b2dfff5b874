/**
 * The pure mapping between the Gateway contract and SGIP PDUs (client-mapping.ts) and the code
 * tables (codes.ts): what a SUBMIT carries, outcomes of SUBMIT_RESP, reports and uplinks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeOfStat } from '../../../src/domain/status.js';
import { concatUdh } from '../../../src/domain/text/index.js';
import {
  outcomeOfAnswer,
  reportOf,
  statOf,
  submitBodyOf,
  uplinkOf,
} from '../../../src/protocols/sgip/client-mapping.js';
import {
  isTemporaryResult,
  SGIP_REPORT_ERRORS,
  SGIP_RESULTS,
  sgipCodeReason,
} from '../../../src/protocols/sgip/index.js';
import { partsOf } from './gateway-helpers.js';

const SEQ = { sequenceNode: 101231, sequenceTime: 1102150405, sequenceCounter: 3 };
const config = { serviceId: 'HRSS12333', sgip: { corpId: '12333', reportFlag: 1 as const } };

test('SUBMIT per part: SP pays, free, 86-prefixed user, CorpId, ServiceType, ReportFlag, MorelatetoMTFlag 2', () => {
  const [part] = partsOf('您好');
  const body = submitBodyOf(part!, config);
  assert.deepEqual(body, {
    command: 'SGIP_SUBMIT',
    spNumber: '106550123330001',
    chargeNumber: '000000000000000000000',
    userNumber: ['8613012345678'],
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
    tpUdhi: 0,
    messageCoding: 8,
    messageType: 0,
    messageContent: Buffer.from('60a8597d', 'hex'),
  });
  assert.equal(submitBodyOf({ ...part!, wantReport: false }, config).reportFlag, 2, 'no report wanted');
  // A reply to the citizen's uplink is the first MT after that MO.
  assert.equal(submitBodyOf({ ...part!, answersUplink: true }, config).morelatetoMtFlag, 0);
  assert.equal(submitBodyOf(part!, { ...config, sgip: { corpId: '12333', reportFlag: 0 } }).reportFlag, 0);
  const ascii = submitBodyOf(partsOf('TD')[0]!, config);
  assert.equal(ascii.messageCoding, 0);
});

test('a long part carries TP_udhi 1 and the UDH ahead of its payload', () => {
  const parts = partsOf('社会保障卡'.repeat(30), '13012345678', 0x42);
  assert.equal(parts.length, 3);
  const bodies = parts.map((p) => submitBodyOf(p, config));
  bodies.forEach((b, i) => {
    assert.equal(b.tpUdhi, 1);
    assert.equal(b.messageContent.subarray(0, 6).toString('hex'), `05000342030${i + 1}`);
    assert.deepEqual(b.messageContent.subarray(6), Buffer.from(parts[i]!.segment.payload));
  });
});

test('SUBMIT_RESP: 0 accepted as the SUBMIT triple; flow control and busy retry; others rejected SGIP:<n>', () => {
  const seq = { node: 3010012333, time: 1120203225, counter: 17 };
  const resp = (result: number) =>
    outcomeOfAnswer(
      { kind: 'answered', response: { command: 'SGIP_SUBMIT_RESP', ...SEQ, result, reserve: '' } },
      seq,
    );
  assert.deepEqual(resp(0), { kind: 'accepted', carrierMsgId: '3010012333-1120203225-17' });
  assert.deepEqual(resp(61), { kind: 'retry', code: 'SGIP:61', reason: '发送过快 sending too fast' });
  assert.equal(resp(11).kind, 'retry');
  assert.equal(resp(33).kind, 'retry');
  assert.deepEqual(resp(6), {
    kind: 'rejected',
    code: 'SGIP:6',
    reason: '非法手机号码 illegal phone number',
  });
  assert.deepEqual(resp(200), { kind: 'rejected', code: 'SGIP:200', reason: '其它错误 other error' });
  assert.equal(outcomeOfAnswer({ kind: 'timeout' }, seq).kind, 'unanswered');
  assert.deepEqual(outcomeOfAnswer({ kind: 'lost', reason: 'x' }, seq), {
    kind: 'unanswered',
    code: 'SGIP:LINK_LOST',
    reason: '连接断开 link lost: x',
  });
});

test('code tables: every code has both meanings; the temporary ones are flow control and busy nodes', () => {
  for (const table of [SGIP_RESULTS, SGIP_REPORT_ERRORS])
    for (const c of Object.values(table)) assert.ok(c.zh.length > 0 && c.en.length > 0);
  assert.deepEqual(
    Object.keys({ ...SGIP_RESULTS, ...SGIP_REPORT_ERRORS })
      .map(Number)
      .filter(isTemporaryResult),
    [3, 11, 21, 32, 33, 52, 61],
  );
  assert.equal(sgipCodeReason(1), '非法登录 illegal login');
});

test('REPORT → stat: State 0 DELIVRD, 1 ENROUTE (intermediate), 2 SGIP:<ErrorCode> (failed)', () => {
  assert.equal(statOf(0, 0), 'DELIVRD');
  assert.equal(statOf(1, 0), 'ENROUTE');
  assert.equal(statOf(2, 25), 'SGIP:25');
  assert.equal(statOf(9, 0), 'UNKNOWN');
  assert.equal(outcomeOfStat(statOf(0, 0)), 'DELIVERED');
  assert.equal(outcomeOfStat(statOf(1, 0)), null);
  assert.equal(outcomeOfStat(statOf(2, 25)), 'FAILED');
  const report = reportOf(
    {
      command: 'SGIP_REPORT',
      ...SEQ,
      submitSequenceNode: 3010012333,
      submitSequenceTime: 1120203225,
      submitSequenceCounter: 17,
      reportType: 0,
      userNumber: '8613012345678',
      state: 2,
      errorCode: 29,
      reserve: '',
    },
    'gw',
    1000,
  );
  assert.deepEqual(report, {
    gatewayId: 'gw',
    carrierMsgId: '3010012333-1120203225-17',
    stat: 'SGIP:29',
    mobile: '13012345678',
    doneAt: 1000,
    receivedAt: 1000,
  });
});

test('DELIVER → uplink: text by MessageCoding after the UDH, sender normalised, named by its triple', () => {
  const base = {
    command: 'SGIP_DELIVER' as const,
    ...SEQ,
    userNumber: '8613012345678',
    spNumber: '106550123330001',
    tpPid: 0,
    reserve: '',
  };
  const long = uplinkOf(
    {
      ...base,
      tpUdhi: 1,
      messageCoding: 8,
      messageContent: Buffer.concat([concatUdh(9, 2, 2), Buffer.from('4f60597d', 'hex')]),
    },
    'gw',
    5,
  );
  assert.deepEqual(long, {
    gatewayId: 'gw',
    carrierMsgId: '101231-1102150405-3',
    mobile: '13012345678',
    destId: '106550123330001',
    text: '你好',
    receivedAt: 5,
    concat: { reference: 9, total: 2, partNo: 2 },
  });
  assert.equal(
    uplinkOf(
      { ...base, tpUdhi: 0, messageCoding: 15, messageContent: Buffer.from('c4e3bac3', 'hex') },
      'gw',
      5,
    ).text,
    '你好',
  );
  assert.equal(
    uplinkOf({ ...base, tpUdhi: 0, messageCoding: 0, messageContent: Buffer.from('TD') }, 'gw', 5).text,
    'TD',
  );
  const broken = uplinkOf(
    { ...base, tpUdhi: 1, messageCoding: 0, messageContent: Buffer.from('\u0009ab') },
    'gw',
    5,
  );
  assert.equal(broken.text, '\u0009ab', 'a UDH that does not parse keeps every octet');
  assert.equal(
    uplinkOf(
      { ...base, userNumber: '10086', tpUdhi: 0, messageCoding: 0, messageContent: Buffer.from('x') },
      'gw',
      5,
    ).mobile,
    '10086',
  );
});
