/**
 * The report text reader against the variants real gateways send (protocols docs/protocols.md §3.5, §9 item 5):
 * spellings, separators, missing fields, odd ids; and what it refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSmgpReport, type SmgpReport } from '../../../src/protocols/smgp/index.js';

const ID = Buffer.from('01006101161700012345', 'hex');
const report = (text: string, id: Buffer = ID): Buffer =>
  Buffer.concat([Buffer.from('id:', 'latin1'), id, Buffer.from(text, 'latin1')]);
const parsed = (content: Buffer): SmgpReport => {
  const r = parseSmgpReport(content);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.value;
};
const fields = (r: SmgpReport): string[] => [r.sub, r.dlvrd, r.submitDate, r.doneDate, r.stat, r.err];

test('the spec form and its spellings: "Submit date", "submit_date", "Submit_Date", "submitdate"; "Text:" or "txt:"', () => {
  for (const [submit, done, text] of [
    ['Submit date', 'done date', 'Text'],
    ['submit_date', 'done_date', 'txt'],
    ['Submit_Date', 'Done_Date', 'TEXT'],
    ['submitdate', 'donedate', 'Txt'],
  ]) {
    const r = parsed(
      report(
        ` sub:001 dlvrd:001 ${submit}:2401021504 ${done}:2401021505 stat:DELIVRD err:000 ${text}:005hello`,
      ),
    );
    assert.deepEqual(r.id, ID);
    assert.deepEqual(fields(r), ['001', '001', '2401021504', '2401021505', 'DELIVRD', '000']);
    assert.equal(r.txt.toString('latin1'), '005hello');
  }
});

test('fields missing or out of order, 12-digit dates, spaces as padding, upper-case keys', () => {
  assert.deepEqual(fields(parsed(report(' stat:UNDELIV'))), ['', '', '', '', 'UNDELIV', '']);
  assert.deepEqual(fields(parsed(report(' ERR:005 STAT:UNDELIV DONE DATE:240102150559'))), [
    '',
    '',
    '',
    '240102150559',
    'UNDELIV',
    '005',
  ]);
  assert.deepEqual(fields(parsed(report(' sub:1   dlvrd:0   stat:MK:0012 err:   '))), [
    '1',
    '0',
    '',
    '',
    'MK:0012',
    '',
  ]);
});

test('the id is always the 10 octets after "id:", whatever they look like; keywords inside the text are text', () => {
  const tricky = Buffer.from('sub:999 st', 'latin1');
  const r = parsed(report(' sub:001 dlvrd:001 stat:DELIVRD err:000 Text:stat:FAKE err:9', tricky));
  assert.deepEqual(r.id, tricky);
  assert.deepEqual(fields(r), ['001', '001', '', '', 'DELIVRD', '000']);
  assert.equal(r.txt.toString('latin1'), 'stat:FAKE err:9');
  const upper = Buffer.concat([Buffer.from('ID:'), ID, Buffer.from(' stat:EXPIRED')]);
  assert.equal(parsed(upper).stat, 'EXPIRED');
});

test('refused: no "id:", an id cut short, no stat — typed errors, never a throw', () => {
  const codeOf = (content: Buffer): string | null => {
    const r = parseSmgpReport(content);
    return r.ok ? null : `${r.error.code}:${r.error.field ?? ''}`;
  };
  assert.equal(codeOf(Buffer.from('sub:001 stat:DELIVRD')), 'BAD_FIELD:id');
  assert.equal(codeOf(Buffer.from('id:12345')), 'TRUNCATED:id');
  assert.equal(codeOf(report(' sub:001 dlvrd:001 err:000')), 'BAD_FIELD:stat');
  assert.equal(codeOf(Buffer.alloc(0)), 'BAD_FIELD:id');
});
