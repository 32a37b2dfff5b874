/**
 * The shared SMGP vectors (public implementations' own test bytes, protocols docs/protocols.md §3, §9): every
 * vector in test/vectors/smgp.json is read, and every field it gives decodes exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText } from '../../../src/domain/text/index.js';
import {
  composeSmgpMsgId,
  decodeSmgp,
  encodeSmgp,
  parseSmgpMsgId,
  parseSmgpReport,
  smgpMsgIdText,
  smgpTimestampText,
  SMGP_COMMAND_IDS,
  type SmgpMsgIdFields,
} from '../../../src/protocols/smgp/index.js';
import { loadVectors } from '../../helpers/vectors.js';

interface Vector {
  name: string;
  hex: string;
  kind?: string;
  smgp_version?: number;
  decoded: Record<string, unknown>;
}

const vectors = loadVectors<Vector>('smgp');
const bytesOf = (v: Vector): Buffer => Buffer.from(v.hex, 'hex');

/** The vectors' split of a MsgID into its three BCD parts. */
function idParts(f: SmgpMsgIdFields | null): Record<string, string> | null {
  if (!f) return null;
  const two = (x: number): string => String(x).padStart(2, '0');
  return {
    smgw_code: f.smgwCode,
    time_mmddhhmm: `${two(f.month)}${two(f.day)}${two(f.hour)}${two(f.minute)}`,
    sequence: String(f.sequence).padStart(6, '0'),
  };
}

const checks: Record<string, (v: Vector) => void> = {
  msg_id(v) {
    const id = bytesOf(v);
    const fields = parseSmgpMsgId(id);
    assert.ok(fields);
    assert.deepEqual({ hex: smgpMsgIdText(id), ...idParts(fields) }, v.decoded);
    assert.deepEqual(composeSmgpMsgId(fields), id);
  },
  report_text(v) {
    const report = parseSmgpReport(bytesOf(v));
    assert.ok(report.ok, JSON.stringify(!report.ok && report.error));
    const r = report.value;
    assert.deepEqual(
      {
        id: { hex: smgpMsgIdText(r.id), ...idParts(parseSmgpMsgId(r.id)) },
        stat: r.stat,
        submit_date: r.submitDate,
        done_date: r.doneDate,
      },
      v.decoded,
    );
    // The fields the vector leaves out, read past the "s" separators all the same.
    assert.deepEqual(
      [r.sub, r.dlvrd, r.err, r.txt.toString('latin1')],
      ['001', '000', '000', 'fill'.repeat(5)],
    );
  },
  report_text_variant(v) {
    const bytes = bytesOf(v);
    assert.equal(bytes.toString('latin1'), v.decoded.raw_text_latin1);
    const report = parseSmgpReport(bytes);
    assert.ok(report.ok, JSON.stringify(!report.ok && report.error));
    const r = report.value;
    assert.equal(smgpMsgIdText(r.id), '6495c36ac4ea6b00000b', 'the 10 raw octets after "id:", not BCD');
    assert.equal(parseSmgpMsgId(r.id), null);
    assert.deepEqual(
      [r.sub, r.dlvrd, r.submitDate, r.doneDate, r.stat, r.err],
      ['001', '001', '1807052207', '1807052207', 'DELIVRD', '000'],
    );
    assert.equal(decodeText(r.txt, 'gbk'), '中国0a8ae5', 'txt: GBK text kept as octets');
  },
  timestamp(v) {
    const value = bytesOf(v).readUInt32BE(0);
    assert.equal(value, v.decoded.timestamp);
    assert.equal(smgpTimestampText(value), v.decoded.timestamp_str);
  },
  submit(v) {
    assert.equal(v.smgp_version, 0x13, 'the 1.3 layout: no FixedFee');
    const frame = bytesOf(v);
    const decoded = decodeSmgp(frame, 'smgp13');
    assert.ok(decoded.ok, JSON.stringify(!decoded.ok && decoded.error));
    const pdu = decoded.value;
    assert.ok(pdu.command === 'SMGP_SUBMIT');
    const d = v.decoded as Record<string, unknown> & {
      tlvs: { tag: string; name: string; value_hex: string }[];
    };
    assert.equal(frame.length, d.packet_length);
    assert.equal(SMGP_COMMAND_IDS[pdu.command], d.request_id);
    assert.deepEqual(
      {
        sequence_id: pdu.sequenceId,
        msg_type: pdu.msgType,
        need_report: pdu.needReport,
        priority: pdu.priority,
        service_id: pdu.serviceId,
        fee_type: pdu.feeType,
        fee_code: pdu.feeCode,
        msg_format: pdu.msgFormat,
        src_term_id: pdu.srcTermId,
        charge_term_id: pdu.chargeTermId,
        dest_term_id_count: pdu.destTermId.length,
        dest_term_id: pdu.destTermId,
        msg_length: pdu.msgContent.length,
        msg_content_hex: pdu.msgContent.toString('hex'),
      },
      Object.fromEntries(
        Object.entries(d).filter(([k]) => !['packet_length', 'request_id', 'tlvs'].includes(k)),
      ),
    );
    const byName = Object.fromEntries(
      d.tlvs.filter((t) => t.name !== 'unknown').map((t) => [t.name, t.value_hex]),
    );
    assert.deepEqual(pdu.options, {
      tpPid: Number.parseInt(byName.TP_pid ?? '', 16),
      tpUdhi: Number.parseInt(byName.TP_udhi ?? '', 16),
      chargeUserType: Number.parseInt(byName.ChargeUserType ?? '', 16),
      chargeTermType: Number.parseInt(byName.ChargeTermType ?? '', 16),
      destTermType: Number.parseInt(byName.DestTermType ?? '', 16),
      pkTotal: Number.parseInt(byName.PkTotal ?? '', 16),
      pkNumber: Number.parseInt(byName.PkNumber ?? '', 16),
      submitMsgType: Number.parseInt(byName.SubmitMsgType ?? '', 16),
      spDealResult: Number.parseInt(byName.SPDealResult ?? '', 16),
      mServiceId: 'ABC', // the source test asserts getMServiceId() == "ABC"
      unknown: [{ tag: 0x0014, value: Buffer.from('01', 'hex') }],
    });
    // Re-encoded: the fixed part is the same bytes; the unknown TLV moves behind the known ones.
    const again = encodeSmgp(pdu, 'smgp13');
    assert.equal(again.length, frame.length);
    assert.deepEqual(again.subarray(0, 177), frame.subarray(0, 177));
    assert.deepEqual(decodeSmgp(again, 'smgp13'), decoded);
    const as30 = decodeSmgp(frame);
    assert.equal(as30.ok, false, 'read in the 3.0 layout, the same bytes do not add up');
  },
};

test('every shared SMGP vector is checked', () => {
  for (const v of vectors) {
    const kind = v.kind ?? (v.name.startsWith('Submit') ? 'submit' : '');
    const check = checks[kind];
    assert.ok(check, `no check for vector "${v.name}"`);
    check(v);
  }
  assert.deepEqual(
    new Set(vectors.map((v) => v.kind ?? 'submit')),
    new Set(Object.keys(checks)),
    'every check ran on some vector',
  );
});
