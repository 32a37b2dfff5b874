/** `pdu decode --protocol smpp`: spec names, TLVs by spec name, text by data_coding, receipts read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh, encodeGsm7 } from '../../../src/domain/text/index.js';
import { decodeSmppHex } from '../../../src/protocols/smpp/describe-pdu.js';
import { encodeSmpp } from '../../../src/protocols/smpp/index.js';
import { loadVectors } from '../../helpers/vectors.js';

const vectors = loadVectors<{ name: string; hex: string }>('smpp34');
const hexOf = (name: string): Buffer => Buffer.from(vectors.find((v) => v.name === name)!.hex, 'hex');

test('a receipt comes out with spec names, its TLVs by name and its text read into fields', () => {
  const r = decodeSmppHex(hexOf('decodeDeliverSmAsDeliveryReceipt'));
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.equal(json.protocol, 'smpp');
  assert.equal(json.command, 'deliver_sm');
  assert.equal(json.command_length, 186);
  assert.equal(json.command_id, '0x00000005');
  assert.equal(json.command_status, '0x00000000');
  assert.equal(json.sequence_number, 2);
  assert.equal(json.source_addr, '44951361920');
  assert.equal(json.esm_class, 4);
  assert.equal(json.sm_length, 110);
  const sm = json.short_message as { receipt: Record<string, string> };
  assert.deepEqual(sm.receipt, {
    id: '0059113978',
    sub: '001',
    dlvrd: '001',
    submit_date: '1002101730',
    done_date: '1002101731',
    stat: 'DELIVRD',
    err: '000',
    text: '@$#!%&/:',
  });
  assert.deepEqual(json.optional_parameters, {
    dest_network_type: 1,
    source_network_type: 1,
    receipted_message_id: '38601fa',
    message_state: 2,
  });
});

test('a receipt in message_payload is read there; unknown tags show in hex', () => {
  const r = decodeSmppHex(hexOf('test_deliver_sm_with_message_payload - jasmin'));
  assert.ok(r.ok);
  const tlvs = (r.json as { optional_parameters: Record<string, unknown> }).optional_parameters;
  assert.deepEqual((tlvs.message_payload as { receipt: unknown }).receipt, {
    id: '0000436949',
    submit_date: '1504211508',
    done_date: '1504211508',
    stat: 'DELIVRD',
    err: '000',
  });
  const vendor = encodeSmpp({
    command: 'data_sm_resp',
    commandStatus: 0,
    sequenceNumber: 1,
    messageId: 'x',
    tlvs: { unknown: [{ tag: 0x1454, value: Buffer.from('ab', 'hex') }] },
  });
  const v = decodeSmppHex(vendor);
  assert.ok(v.ok);
  assert.deepEqual((v.json as { optional_parameters: unknown }).optional_parameters, {
    unknown: [{ tag: '0x1454', value: 'ab' }],
  });
});

test('short_message text by data_coding, after its UDH, with the concat info', () => {
  const frame = encodeSmpp({
    command: 'submit_sm',
    commandStatus: 0,
    sequenceNumber: 1,
    serviceType: '',
    sourceAddrTon: 0,
    sourceAddrNpi: 0,
    sourceAddr: '10657',
    destAddrTon: 1,
    destAddrNpi: 1,
    destinationAddr: '8613800138000',
    esmClass: 0x40,
    protocolId: 0,
    priorityFlag: 0,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 1,
    replaceIfPresentFlag: 0,
    dataCoding: 0,
    smDefaultMsgId: 0,
    shortMessage: Buffer.concat([concatUdh(7, 2, 1), encodeGsm7('Hi {you}')]),
  });
  const r = decodeSmppHex(frame);
  assert.ok(r.ok);
  const sm = (r.json as { short_message: Record<string, unknown> }).short_message;
  assert.equal(sm.text, 'Hi {you}');
  assert.equal(sm.coding, 'gsm7');
  assert.equal(sm.udh, '050003070201');
  assert.deepEqual(sm.concat, { reference: 7, total: 2, partNo: 1 });
});

test('a response without message_id leaves it out; back-to-back PDUs come out as an array', () => {
  const r = decodeSmppHex(hexOf('decodeSubmitSmRespWithNoMessageId'));
  assert.ok(r.ok);
  assert.equal('message_id' in (r.json as object), false);
  const both = decodeSmppHex(Buffer.concat([hexOf('decodeUnbind'), hexOf('decodeUnbindResp')]));
  assert.ok(both.ok && Array.isArray(both.json) && both.json.length === 2);
});

test('errors are typed: incomplete, unknown command, malformed body, impossible length', () => {
  const codeOf = (hex: string): string | null => {
    const r = decodeSmppHex(Buffer.from(hex, 'hex'));
    return r.ok ? null : r.error.code;
  };
  assert.equal(codeOf('000000100000001500000000'), 'TRUNCATED');
  assert.equal(codeOf('00000010000000ff0000000000000001'), 'UNKNOWN_COMMAND');
  assert.equal(codeOf('00000014000000090000000000000001aabbccdd'), 'TRUNCATED');
  assert.equal(codeOf('0000000400000015'), 'TOO_SHORT');
  assert.equal(codeOf('ffffffff'), 'TOO_LONG');
});
