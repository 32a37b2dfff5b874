/** `decodeSgipHex`: what `sms12333 pdu decode --protocol sgip` shows an operator. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import { decodeSgipHex, encodeSgip, encodeSgipTraceEntry } from '../../../src/protocols/sgip/index.js';
import { loadVectors } from '../../helpers/vectors.js';

const SEQ = { sequenceNode: 3010012333, sequenceTime: 1120203225, sequenceCounter: 9 };

test('the captured SUBMIT comes out with spec names, its triple as text and its content decoded', () => {
  const [v] = loadVectors<{ hex: string }>('sgip');
  const r = decodeSgipHex(Buffer.from(v!.hex, 'hex'));
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.equal(json.protocol, 'sgip');
  assert.equal(json.command, 'SGIP_SUBMIT');
  assert.equal(json['Message Length'], 168);
  assert.equal(json['Command ID'], '0x00000003');
  assert.equal(json['Sequence Number[time]'], 301151218);
  assert.equal(json['Sequence Number'], '0-301151218-1857753309');
  assert.equal(json.SPNumber, '106559125028');
  assert.equal(json.UserCount, 1);
  assert.deepEqual(json.UserNumber, ['8618657118636']);
  assert.equal(json.MessageLength, 4);
  assert.deepEqual(json.MessageContent, { hex: '32333361', coding: 'ascii', text: '233a' });
  assert.deepEqual(Object.keys(json).slice(0, 9), [
    'protocol',
    'command',
    'Message Length',
    'Command ID',
    'Sequence Number[node]',
    'Sequence Number[time]',
    'Sequence Number[counter]',
    'SPNumber',
    'ChargeNumber',
  ]);
});

test('a DELIVER decodes its content by MessageCoding after the UDH; GBK (15) as GB18030', () => {
  const deliver = (messageCoding: number, tpUdhi: number, messageContent: Buffer): Buffer =>
    encodeSgip({
      command: 'SGIP_DELIVER',
      ...SEQ,
      userNumber: '8613012345678',
      spNumber: '10655012333',
      tpPid: 0,
      tpUdhi,
      messageCoding,
      messageContent,
    });
  const long = decodeSgipHex(
    deliver(8, 1, Buffer.concat([concatUdh(7, 2, 1), Buffer.from('4f60597d', 'hex')])),
  );
  assert.ok(long.ok);
  const content = (long.json as { MessageContent: Record<string, unknown> }).MessageContent;
  assert.equal(content.text, '你好');
  assert.equal(content.udh, '050003070201');
  assert.deepEqual(content.concat, { reference: 7, total: 2, partNo: 1 });
  const gbk = decodeSgipHex(deliver(15, 0, Buffer.from('c4e3bac3', 'hex')));
  assert.ok(gbk.ok);
  assert.equal((gbk.json as { MessageContent: { text: string } }).MessageContent.text, '你好');
  const badUdh = decodeSgipHex(deliver(0, 1, Buffer.from('09ab', 'hex')));
  assert.ok(badUdh.ok);
  assert.match((badUdh.json as { MessageContent: { udhError: string } }).MessageContent.udhError, /UDH/);
});

test('a REPORT shows the SUBMIT it is about as text; TRACE_RESP entries field by field; PDUs back to back', () => {
  const report = encodeSgip({
    command: 'SGIP_REPORT',
    ...SEQ,
    submitSequenceNode: 3010012333,
    submitSequenceTime: 1102150405,
    submitSequenceCounter: 42,
    reportType: 0,
    userNumber: '8613012345678',
    state: 2,
    errorCode: 25,
  });
  const trace = encodeSgip({
    command: 'SGIP_TRACE_RESP',
    ...SEQ,
    entries: [
      encodeSgipTraceEntry({
        result: 0,
        nodeId: '101230',
        receiveTime: '241102150405',
        sendTime: '241102150406',
      }),
    ],
  });
  const r = decodeSgipHex(Buffer.concat([report, trace]));
  assert.ok(r.ok);
  const [rep, tr] = r.json as Record<string, unknown>[];
  assert.equal(rep!.SubmitSequenceNumber, '3010012333-1102150405-42');
  assert.equal(rep!.ErrorCode, 25);
  assert.equal(tr!.Count, 1);
  assert.deepEqual(tr!.Entries, [
    { Result: 0, NodeId: '101230', ReceiveTime: '241102150405', SendTime: '241102150406', Reserve: '' },
  ]);
});

test('incomplete or undecodable bytes answer a typed error', () => {
  const frame = encodeSgip({ command: 'SGIP_UNBIND', ...SEQ });
  const cut = decodeSgipHex(frame.subarray(0, 10));
  assert.deepEqual(cut.ok ? null : cut.error.code, 'TRUNCATED');
  const trailing = decodeSgipHex(Buffer.concat([frame, frame.subarray(0, 5)]));
  assert.deepEqual(trailing.ok ? null : trailing.error.code, 'TRUNCATED');
  const unknown = Buffer.from(frame);
  unknown.writeUInt32BE(0x77, 4);
  const r = decodeSgipHex(unknown);
  assert.deepEqual(r.ok ? null : r.error.code, 'UNKNOWN_COMMAND');
});
