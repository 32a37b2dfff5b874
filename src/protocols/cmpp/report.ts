/**
 * The status report a CMPP_DELIVER carries in Msg_Content when Registered_Delivery = 1
 * (2.0 §7.4.5.1 / 3.0 §8.4.5.1; docs/protocols.md §1.7): 60 octets in 2.0, 71 in 3.0, differing only in the
 * width of Dest_terminal_Id. Some 3.0 gateways send the 60-octet form (docs/protocols.md §9 item 1), so the
 * decoder picks the layout by length, whatever the link's version.
 */
import { octets, u32, u64, type StructValue } from '../codec/fields.js';
import { failed, type DecodeResult } from '../codec/result.js';
import { decodeStruct, encodeStruct } from '../codec/struct.js';
import type { CmppVersion } from './codec.js';

function reportTable(terminalId: number) {
  return [
    u64('msgId', 'Msg_Id'),
    octets('stat', 7, 'Stat'),
    octets('submitTime', 10, 'Submit_time'),
    octets('doneTime', 10, 'Done_time'),
    octets('destTerminalId', terminalId, 'Dest_terminal_Id'),
    u32('smscSequence', 'SMSC_sequence'),
  ] as const;
}

export const CMPP_REPORT_TABLES = { cmpp2: reportTable(21), cmpp3: reportTable(32) } as const;
export const CMPP_REPORT_LENGTHS = { cmpp2: 60, cmpp3: 71 } as const;

/** A decoded status report; `msgId` is the Msg_Id of the SUBMIT_RESP it reports on. */
export type CmppReport = StructValue<(typeof CMPP_REPORT_TABLES)['cmpp2']>;

/** The report table for a Msg_Length, or null when no layout has that length. */
export function cmppReportTable(length: number): (typeof CMPP_REPORT_TABLES)[CmppVersion] | null {
  if (length === CMPP_REPORT_LENGTHS.cmpp2) return CMPP_REPORT_TABLES.cmpp2;
  if (length === CMPP_REPORT_LENGTHS.cmpp3) return CMPP_REPORT_TABLES.cmpp3;
  return null;
}

/** Decodes a 60- or 71-octet report body; never throws. */
export function decodeCmppReport(content: Buffer): DecodeResult<CmppReport> {
  const table = cmppReportTable(content.length);
  if (!table)
    return failed(
      'LENGTH_MISMATCH',
      `a CMPP status report has 60 or 71 octets, got ${content.length}`,
      'Msg_Content',
    );
  return decodeStruct(table, content);
}

/** The report body in the version's layout (for simulators and tests). */
export function encodeCmppReport(version: CmppVersion, report: CmppReport): Buffer {
  return encodeStruct(CMPP_REPORT_TABLES[version], report);
}
