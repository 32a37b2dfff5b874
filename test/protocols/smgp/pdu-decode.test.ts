/** `pdu decode` for SMGP: spec names, TLVs by name, MsgIDs split, content and reports decoded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatUdh } from '../../../src/domain/text/index.js';
import { decodeSmgpHex, encodeSmgp, encodeSmgpReport } from '../../../src/protocols/smgp/index.js';
import { loadVectors } from '../../helpers/vectors.js';

const hexOf = (hex: string): Buffer => Buffer.from(hex, 'hex');
const msgId = hexOf('01006101161700012345');

test('a Submit comes out with spec names, computed lengths and its TLVs by spec name, unknown tags kept', () => {
  const frame = encodeSmgp({
    command: 'SMGP_SUBMIT',
    sequenceId: 7,
    msgType: 6,
    needReport: 1,
    priority: 1,
    serviceId: 'HRSS12333',
    feeType: '00',
    feeCode: '000000',
    fixedFee: '000000',
    msgFormat: 8,
    validTime: '',
    atTime: '',
    srcTermId: '1065912333',
    chargeTermId: '',
    destTermId: ['13300133000'],
    msgContent: Buffer.concat([concatUdh(7, 2, 1), hexOf('4f60597d')]),
    options: { tpUdhi: 1, pkTotal: 2, pkNumber: 1, unknown: [{ tag: 0x14, value: hexOf('01') }] },
  });
  const r = decodeSmgpHex(frame);
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.equal(json.protocol, 'smgp');
  assert.equal(json.command, 'SMGP_SUBMIT');
  assert.equal(json.PacketLength, frame.length);
  assert.equal(json.RequestID, '0x00000002');
  assert.equal(json.SequenceID, 7);
  assert.equal(json.FixedFee, '000000');
  assert.equal(json.DestTermIDCount, 1);
  assert.equal(json.MsgLength, 10);
  assert.deepEqual(json.TLV, {
    TP_udhi: 1,
    PkTotal: 2,
    PkNumber: 1,
    unknown: [{ tag: '0x0014', value: '01' }],
  });
  assert.deepEqual(json.MsgContent, {
    hex: '0500030702014f60597d',
    coding: 'ucs2',
    text: '你好',
    udh: '050003070201',
    concat: { reference: 7, total: 2, partNo: 1 },
  });
});

test('a Deliver report: MsgID split into its BCD parts, the report text field by field', () => {
  const content = encodeSmgpReport({
    id: msgId,
    sub: '001',
    dlvrd: '000',
    submitDate: '2401021504',
    doneDate: '2401021505',
    stat: 'UNDELIV',
    err: '005',
    txt: Buffer.from('000'),
  });
  const frame = encodeSmgp({
    command: 'SMGP_DELIVER',
    sequenceId: 3,
    msgId: hexOf('6495c36ac4ea6b00000b'),
    isReport: 1,
    msgFormat: 0,
    recvTime: '20240102150501',
    srcTermId: '13300133000',
    destTermId: '1065912333',
    msgContent: content,
  });
  const r = decodeSmgpHex(frame);
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.deepEqual(json.MsgID, { hex: '6495c36ac4ea6b00000b', bcd: false });
  assert.equal(json.MsgLength, 122);
  assert.deepEqual((json.MsgContent as { report: unknown }).report, {
    id: { hex: '01006101161700012345', smgwCode: '010061', time: '01161700', sequence: '012345' },
    sub: '001',
    dlvrd: '000',
    Submit_date: '2401021504',
    done_date: '2401021505',
    Stat: 'UNDELIV',
    Err: '005',
    ErrReason: 'blacklisted',
    Txt: '000',
  });
  assert.deepEqual(json.TLV, {});
});

test('back-to-back PDUs come out as an array; GB18030 content decodes', () => {
  const deliver = encodeSmgp({
    command: 'SMGP_DELIVER',
    sequenceId: 1,
    msgId,
    isReport: 0,
    msgFormat: 15,
    recvTime: '20240102150501',
    srcTermId: '8613300133000',
    destTermId: '10659',
    msgContent: hexOf('c4e3bac3'),
  });
  const resp = encodeSmgp({ command: 'SMGP_DELIVER_RESP', sequenceId: 1, msgId, status: 0 });
  const r = decodeSmgpHex(Buffer.concat([deliver, resp]));
  assert.ok(r.ok && Array.isArray(r.json) && r.json.length === 2);
  const first = r.json[0] as { MsgContent: { text: string; coding: string } };
  assert.deepEqual([first.MsgContent.coding, first.MsgContent.text], ['gbk', '你好']);
});

test('errors are typed: incomplete, unknown RequestID, too long, malformed body', () => {
  const codeOf = (hex: string): string | null => {
    const r = decodeSmgpHex(hexOf(hex));
    return r.ok ? null : r.error.code;
  };
  assert.equal(codeOf('0000000c000000040000'), 'TRUNCATED');
  assert.equal(codeOf('0000000c0000000400000017ff'), 'TRUNCATED');
  assert.equal(codeOf('0000000c0000000500000017'), 'UNKNOWN_COMMAND');
  assert.equal(codeOf('ffffffff'), 'TOO_LONG');
  assert.equal(codeOf('0000000d800000040000000100'), 'LENGTH_MISMATCH');
});

test('the shared Submit vector in the 1.3 layout is shown in that layout, its TLVs by name', () => {
  const v = loadVectors<{ name: string; hex: string }>('smgp').find((x) => x.name.startsWith('Submit'));
  assert.ok(v);
  const r = decodeSmgpHex(hexOf(v.hex));
  assert.ok(r.ok);
  const json = r.json as Record<string, unknown>;
  assert.deepEqual(
    [json.layout, json.FixedFee, json.SrcTermID, json.DestTermID],
    ['1.3 (no FixedFee)', undefined, '10086', ['13800138000']],
  );
  assert.deepEqual((json.TLV as Record<string, unknown>).MServiceID, 'ABC');
  assert.deepEqual((json.TLV as Record<string, unknown>).unknown, [{ tag: '0x0014', value: '01' }]);
});
