/**
 * Receipts and the gateway's pure mapping: the receipt text by keyword (docs/protocols.md §4.7), how carrier
 * ids are normalised and tied back to submit_sm_resp, outcomes by command_status (docs/protocols.md §4.5),
 * and uplink text by data_coding with UDH or SAR concatenation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh, encodeGsm7 } from '../../../src/domain/text/index.js';
import {
  outcomeOfAnswer,
  reportOf,
  uplinkOf,
  destinationOf,
  type Delivered,
} from '../../../src/protocols/smpp/client-mapping.js';
import {
  alternateIds,
  commandStatusOf,
  formatReceiptText,
  normalizeMessageId,
  parseReceiptText,
  receiptCarrierId,
  RecentIds,
} from '../../../src/protocols/smpp/index.js';

test('receipt text: the appendix form, by keyword', () => {
  const text = formatReceiptText({
    id: '0059113978',
    sub: '001',
    dlvrd: '001',
    submitDate: '1002101730',
    doneDate: '1002101731',
    stat: 'DELIVRD',
    err: '000',
    text: 'Hello stat:x id:y',
  });
  assert.equal(
    text,
    'id:0059113978 sub:001 dlvrd:001 submit date:1002101730 done date:1002101731 stat:DELIVRD err:000 text:Hello stat:x id:y',
  );
  assert.deepEqual(parseReceiptText(text), {
    id: '0059113978',
    sub: '001',
    dlvrd: '001',
    submitDate: '1002101730',
    doneDate: '1002101731',
    stat: 'DELIVRD',
    err: '000',
    text: 'Hello stat:x id:y',
  });
});

test('receipt text: any case, `_` for the space, fields missing or in another order, trailing NUL', () => {
  assert.deepEqual(
    parseReceiptText('ID:abc Submit_Date:1504211508 DONE_DATE:150421150812 Stat:UNDELIV Err:0000\0'),
    {
      id: 'abc',
      submitDate: '1504211508',
      doneDate: '150421150812',
      stat: 'UNDELIV',
      err: '0000',
    },
  );
  assert.deepEqual(parseReceiptText('stat:EXPIRED id:7'), { stat: 'EXPIRED', id: '7' });
  assert.equal(parseReceiptText('hello world'), null, 'not a receipt');
  assert.equal(parseReceiptText(''), null);
});

test('carrier ids: normalised alike; the TLV first, else the text id; decimal and hex met through remembered ids', () => {
  assert.equal(normalizeMessageId(' 38601FA\t'), '38601fa');
  assert.deepEqual(alternateIds('0059113978'), ['38601fa', '1494301048'], 'digits are hex too');
  assert.deepEqual(alternateIds('38601fa'), ['59113978', '0059113978']);
  assert.deepEqual(alternateIds('6a3ed98a-66444e8a'), []);

  assert.equal(receiptCarrierId('38601FA', '0059113978', null), '38601fa', 'receipted_message_id wins');
  assert.equal(receiptCarrierId(undefined, '0059113978', null), '0059113978', 'else the text id as it is');
  assert.equal(receiptCarrierId(undefined, undefined, null), null);

  const recent = new RecentIds(2);
  recent.add('38601fa');
  assert.equal(
    receiptCarrierId(undefined, '0059113978', recent),
    '38601fa',
    'decimal text id → the hex id given',
  );
  recent.add('436949');
  assert.equal(receiptCarrierId('6aad5', '0000436949', recent), '436949', 'hex TLV → the decimal id given');
  recent.add('x');
  assert.equal(
    receiptCarrierId(undefined, '0059113978', recent),
    '0059113978',
    'forgotten: the primary stands',
  );
});

test('command_status: ROK accepted with the id normalised; throttling and full queue retry; others rejected', () => {
  const resp = (commandStatus: number, messageId?: string) => ({
    kind: 'answered' as const,
    response:
      messageId === undefined
        ? { command: 'submit_sm_resp' as const, commandStatus, sequenceNumber: 1 }
        : { command: 'submit_sm_resp' as const, commandStatus, sequenceNumber: 1, messageId },
  });
  assert.deepEqual(outcomeOfAnswer(resp(0, 'AB12')), { kind: 'accepted', carrierMsgId: 'ab12' });
  assert.deepEqual(outcomeOfAnswer(resp(0)), { kind: 'accepted', carrierMsgId: '' });
  for (const status of [0x58, 0x14, 0x08]) assert.equal(outcomeOfAnswer(resp(status)).kind, 'retry');
  assert.deepEqual(outcomeOfAnswer(resp(0x0b, 'ignored')), {
    kind: 'rejected',
    code: 'SMPP:0x0b',
    reason: 'ESME_RINVDSTADR 目的地址无效 invalid destination address',
  });
  const vendor = outcomeOfAnswer(resp(0x422));
  assert.deepEqual(vendor.kind === 'rejected' && [vendor.code, vendor.reason], [
    'SMPP:0x422',
    '0x00000422 SMSC 自定义错误 SMSC vendor-specific error',
  ]);
  assert.equal(commandStatusOf(0x22).name, '0x00000022');
  const nack = outcomeOfAnswer({
    kind: 'answered',
    response: { command: 'generic_nack', commandStatus: 3, sequenceNumber: 1 },
  });
  assert.equal(nack.kind === 'rejected' && nack.code, 'SMPP:0x03');
  assert.equal(outcomeOfAnswer({ kind: 'timeout' }).kind, 'unanswered');
  assert.equal(outcomeOfAnswer({ kind: 'lost', reason: 'x' }).kind, 'unanswered');
});

test('destination_addr follows its TON: international numbers carry 86', () => {
  assert.equal(destinationOf('13800138000', 1), '8613800138000');
  assert.equal(destinationOf('13800138000', 0), '13800138000');
  assert.equal(destinationOf('+447700900123', 1), '447700900123');
});

const delivered = (fields: Partial<Delivered>): Delivered => ({
  sourceAddr: '8613800138000',
  destinationAddr: '1065712333',
  esmClass: 0,
  dataCoding: 0,
  tlvs: {},
  shortMessage: Buffer.alloc(0),
  ...fields,
});

test('reports: stat from the text, else message_state; doneAt is the done date in Beijing time', () => {
  const text = Buffer.from(
    'id:1 sub:001 dlvrd:001 submit date:2401021504 done date:2401021505 stat:DELIVRD err:000 text:',
  );
  const r = reportOf(
    delivered({ esmClass: 4, shortMessage: text, tlvs: { receiptedMessageId: 'A1' } }),
    'gw',
    7,
    null,
  );
  assert.deepEqual(r, {
    ok: true,
    report: {
      gatewayId: 'gw',
      carrierMsgId: 'a1',
      stat: 'DELIVRD',
      mobile: '13800138000',
      doneAt: Date.UTC(2024, 0, 2, 7, 5),
      receivedAt: 7,
    },
  });
  const byState = reportOf(
    delivered({ esmClass: 4, tlvs: { receiptedMessageId: 'b2', messageState: 5 } }),
    'gw',
    7,
    null,
  );
  assert.ok(byState.ok);
  assert.deepEqual([byState.report.stat, byState.report.doneAt], ['UNDELIV', 7]);
  const inPayload = reportOf(
    delivered({ esmClass: 4, tlvs: { messagePayload: Buffer.from('id:77 stat:EXPIRED\0') } }),
    'gw',
    7,
    null,
  );
  assert.ok(inPayload.ok && inPayload.report.carrierMsgId === '77' && inPayload.report.stat === 'EXPIRED');
  assert.equal(
    reportOf(delivered({ esmClass: 4, shortMessage: Buffer.from('stat:DELIVRD') }), 'gw', 7, null).ok,
    false,
  );
  assert.equal(
    reportOf(delivered({ esmClass: 4, tlvs: { receiptedMessageId: 'c' } }), 'gw', 7, null).ok,
    false,
  );
});

test('uplinks: GSM 7-bit, Latin-1, UCS-2 and GB by data_coding; UDH or SAR concatenation', () => {
  const text = (f: Partial<Delivered>): string => uplinkOf(delivered(f), 'gw', 0).text;
  assert.equal(text({ shortMessage: Buffer.from(encodeGsm7('TD@é')) }), 'TD@é');
  assert.equal(text({ dataCoding: 3, shortMessage: Buffer.from('caf\xe9', 'latin1') }), 'café');
  assert.equal(text({ dataCoding: 1, shortMessage: Buffer.from('BD#1') }), 'BD#1');
  assert.equal(text({ dataCoding: 8, shortMessage: Buffer.from('4f60597d', 'hex') }), '你好');
  assert.equal(text({ dataCoding: 15, shortMessage: Buffer.from('c4e3bac3', 'hex') }), '你好');
  assert.equal(text({ dataCoding: 4, shortMessage: Buffer.from('0102', 'hex') }), '0102');
  const udh = uplinkOf(
    delivered({
      esmClass: 0x40,
      dataCoding: 8,
      shortMessage: Buffer.concat([concatUdh(9, 2, 2), Buffer.from('4f60', 'hex')]),
    }),
    'gw',
    5,
  );
  assert.deepEqual(udh, {
    gatewayId: 'gw',
    carrierMsgId: '',
    mobile: '13800138000',
    destId: '1065712333',
    text: '你',
    receivedAt: 5,
    concat: { reference: 9, total: 2, partNo: 2 },
  });
  const sar = uplinkOf(
    delivered({
      shortMessage: Buffer.from('AB'),
      tlvs: { sarMsgRefNum: 300, sarTotalSegments: 3, sarSegmentSeqnum: 1 },
    }),
    'gw',
    0,
  );
  assert.deepEqual(sar.concat, { reference: 300, total: 3, partNo: 1 });
  const payload = uplinkOf(
    delivered({ dataCoding: 8, tlvs: { messagePayload: Buffer.from('4f60597d', 'hex') } }),
    'gw',
    0,
  );
  assert.equal(payload.text, '你好');
  const badUdh = uplinkOf(delivered({ esmClass: 0x40, shortMessage: Buffer.from([9, 1]) }), 'gw', 0);
  assert.equal(badUdh.concat, null, 'a broken UDH keeps the octets as text');
});
