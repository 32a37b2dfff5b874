/**
 * The shared SMPP 3.4 vectors (cloudhopper, node-smpp and jasmin test bytes, docs/protocols.md §4): every
 * field each vector gives decodes exactly, receipts read into their fields, and every PDU encodes
 * back to what it decoded from (byte for byte where its TLVs already stand in table order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeSmpp,
  encodeSmpp,
  parseReceiptText,
  SMPP_COMMAND_IDS,
  SMPP_TLVS,
  type SmppPdu,
} from '../../../src/protocols/smpp/index.js';
import { splitUserData } from '../../../src/domain/text/index.js';
import { receiptTextOf } from '../../../src/protocols/smpp/client-mapping.js';
import { loadVectors } from '../../helpers/vectors.js';

interface VectorTlv {
  tag: string;
  name: string;
  length: number;
  value_hex: string;
}

interface Vector {
  name: string;
  hex: string;
  decoded: Record<string, unknown>;
  asserted_by_source: string[];
}

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A known TLV's value as the octets it came in (integers at their declared width, cstring with NUL). */
function tlvHex(kind: string, value: unknown): string {
  switch (kind) {
    case 'u8':
      return (value as number).toString(16).padStart(2, '0');
    case 'u16':
      return (value as number).toString(16).padStart(4, '0');
    case 'u32':
      return (value as number).toString(16).padStart(8, '0');
    case 'cstring':
      return Buffer.from(`${value as string}\0`, 'latin1').toString('hex');
    case 'text':
      return Buffer.from(value as string, 'latin1').toString('hex');
    default:
      return (value as Buffer).toString('hex');
  }
}

function checkTlvs(pdu: Record<string, unknown>, expected: VectorTlv[], where: string): void {
  const tlvs = (pdu.tlvs ?? {}) as Record<string, unknown> & { unknown?: { tag: number; value: Buffer }[] };
  for (const t of expected) {
    const tag = Number(t.tag);
    const def = SMPP_TLVS.find((d) => d.tag === tag);
    assert.ok(def, `${where}: tag ${t.tag} is in the table`);
    assert.equal(def.spec, t.name, `${where}: name of ${t.tag}`);
    assert.equal(tlvHex(def.kind, tlvs[def.name]), t.value_hex, `${where}: ${t.name}`);
    assert.equal(t.value_hex.length / 2, t.length);
  }
  const count = SMPP_TLVS.filter((d) => tlvs[d.name] !== undefined).length + (tlvs.unknown?.length ?? 0);
  assert.equal(count, expected.length, `${where}: no TLV more`);
}

function checkField(
  pdu: Record<string, unknown>,
  frame: Buffer,
  key: string,
  expected: unknown,
  where: string,
): void {
  switch (key) {
    case 'command_length':
      return assert.equal(frame.length, expected, where);
    case 'command_id':
      return assert.equal(SMPP_COMMAND_IDS[pdu.command as SmppPdu['command']], expected, where);
    case 'command':
      return assert.equal(pdu.command, expected, where);
    case 'short_message_hex':
      return assert.equal((pdu.shortMessage as Buffer).toString('hex'), expected, where);
    case 'sm_length':
      return assert.equal((pdu.shortMessage as Buffer).length, expected, where);
    case 'udh_hex': {
      const split = splitUserData(pdu.shortMessage as Buffer, true);
      assert.ok(split.ok && split.udh);
      return assert.equal(Buffer.from(split.udh).toString('hex'), expected, where);
    }
    case 'tlvs':
      return checkTlvs(pdu, expected as VectorTlv[], where);
    case 'receipt': {
      const text = parseReceiptText(
        receiptTextOf({
          sourceAddr: pdu.sourceAddr as string,
          destinationAddr: pdu.destinationAddr as string,
          esmClass: pdu.esmClass as number,
          dataCoding: pdu.dataCoding as number,
          shortMessage: pdu.shortMessage as Buffer,
          tlvs: pdu.tlvs as never,
        }),
      );
      assert.ok(text, `${where}: a receipt text`);
      const got: Record<string, unknown> = {};
      for (const k of Object.keys(expected as object)) got[k] = (text as Record<string, unknown>)[camel(k)];
      return assert.deepEqual(got, expected, where);
    }
    default:
      assert.ok(camel(key) in pdu, `${where}: our PDU has ${camel(key)}`);
      return assert.deepEqual(pdu[camel(key)], expected, where);
  }
}

for (const v of loadVectors<Vector>('smpp34')) {
  test(`smpp vector: ${v.name}`, () => {
    const frame = Buffer.from(v.hex, 'hex');
    const decoded = decodeSmpp(frame);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    const pdu = decoded.value as Record<string, unknown>;
    for (const [key, expected] of Object.entries(v.decoded))
      checkField(pdu, frame, key, expected, `${v.name}: ${key}`);
    for (const key of v.asserted_by_source) assert.ok(key in v.decoded, `${key} is checked`);
    const again = encodeSmpp(decoded.value);
    assert.deepEqual(decodeSmpp(again), decoded, 're-encodes to the same PDU');
    if (!('tlvs' in v.decoded)) assert.equal(again.toString('hex'), v.hex, 're-encodes to the same bytes');
  });
}

test('vectors: the absent message_id stays absent; receipts carry decimal text ids and hex TLV ids', () => {
  const byName = new Map(loadVectors<Vector>('smpp34').map((v) => [v.name, v]));
  const noId = decodeSmpp(Buffer.from(byName.get('decodeSubmitSmRespWithNoMessageId')!.hex, 'hex'));
  assert.ok(noId.ok && noId.value.command === 'submit_sm_resp');
  assert.equal(noId.value.messageId, undefined);
  const receipt = decodeSmpp(Buffer.from(byName.get('decodeDeliverSmAsDeliveryReceipt')!.hex, 'hex'));
  assert.ok(receipt.ok && receipt.value.command === 'deliver_sm');
  assert.equal(receipt.value.tlvs?.receiptedMessageId, '38601fa');
  assert.equal(BigInt('0x38601fa').toString(10).padStart(10, '0'), '0059113978');
  const vendor = decodeSmpp(Buffer.from(byName.get('test_unknown_command_status_34 - jasmin')!.hex, 'hex'));
  assert.ok(vendor.ok);
  assert.equal(vendor.value.commandStatus, 0x22);
});
