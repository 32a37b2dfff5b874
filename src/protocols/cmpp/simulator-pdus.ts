/**
 * The ISMG's decisions about single PDUs, free of sockets: whom CMPP_CONNECT lets in, what a
 * CMPP_SUBMIT carries for the handsets, and the CMPP_DELIVERs for reports and uplinks.
 */
import { timingSafeEqual } from 'node:crypto';
import { formatBeijing } from '../../domain/beijing-time.js';
import { normalizeMobile } from '../../domain/phone.js';
import { decodeText, splitUserData, type ConcatInfo } from '../../domain/text/index.js';
import type { MoPayload, ReportPayload } from '../simulator/core.js';
import type { ServerAuthenticatorStyle } from '../simulator/types.js';
import { cmppAuthenticatorIsmgAs, cmppAuthenticatorSource } from './auth.js';
import type { CmppPdu, CmppPduOf, CmppVersion } from './codec.js';
import { codingOfMsgFmt, MSG_FMT, msgFmtOf } from './codes.js';
import { encodeCmppReport } from './report.js';
import { CMPP_VERSION_BYTE } from './tables.js';

/** CONNECT_RESP Status values the simulator answers (2.0 §7.4.1.2 / 3.0 §8.4.1.2). */
export const CONNECT_VERDICT = { ok: 0, badSource: 2, badAuth: 3, versionTooHigh: 4, other: 5 } as const;

/** SUBMIT_RESP Result values the simulator answers (2.0 §7.4.3.2 / 3.0 §8.4.3.2). */
export const SUBMIT_VERDICT = { ok: 0, badStructure: 1, badLength: 4, tooLong: 6, badDest3: 13 } as const;

export interface ConnectAnswer {
  status: number;
  /** The version spoken on the link from now on; null when the login failed. */
  speak: CmppVersion | null;
  /** The CONNECT_RESP to send, in the layout of `speak` (or the server's version on failure). */
  resp: CmppPduOf<'CMPP_CONNECT_RESP'>;
  layout: CmppVersion;
}

const major = (versionByte: number): number => versionByte >> 4;

/**
 * The version a client gets: its own major version when the server speaks it (a 3.0 ISMG still
 * serves 2.0 SPs, whose tables the codec has), else none. Minor versions (gocmpp's 0x21) are the
 * same wire format as their major.
 */
function negotiate(server: CmppVersion, clientByte: number): CmppVersion | null {
  const client = major(clientByte);
  if (client === major(CMPP_VERSION_BYTE[server])) return server;
  if (server === 'cmpp3' && client === major(CMPP_VERSION_BYTE.cmpp2)) return 'cmpp2';
  return null;
}

const md5Equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/**
 * Checks a login (docs/protocols.md §1.3): Source_Addr must be the account (Status 2), AuthenticatorSource
 * MD5(Source_Addr ‖ 9 × 0x00 ‖ secret ‖ Timestamp as 10 digits) (Status 3), and the version one the
 * server speaks (Status 4 when the client's is newer). A failed login gets an all-zero
 * AuthenticatorISMG and the server's own version byte.
 */
export function answerConnect(
  pdu: CmppPduOf<'CMPP_CONNECT'>,
  server: CmppVersion,
  account: string,
  secret: string,
  style: ServerAuthenticatorStyle = 'spec',
): ConnectAnswer {
  const timestamp = String(pdu.timestamp).padStart(10, '0');
  const expected = cmppAuthenticatorSource(account, secret, timestamp);
  const speak = negotiate(server, pdu.version);
  let status: number = CONNECT_VERDICT.ok;
  if (pdu.sourceAddr !== account) status = CONNECT_VERDICT.badSource;
  else if (!md5Equal(pdu.authenticatorSource, expected)) status = CONNECT_VERDICT.badAuth;
  else if (speak === null)
    status =
      major(pdu.version) > major(CMPP_VERSION_BYTE[server])
        ? CONNECT_VERDICT.versionTooHigh
        : CONNECT_VERDICT.other;
  const layout = status === CONNECT_VERDICT.ok && speak !== null ? speak : server;
  return {
    status,
    speak: status === CONNECT_VERDICT.ok ? speak : null,
    layout,
    resp: {
      command: 'CMPP_CONNECT_RESP',
      sequenceId: pdu.sequenceId,
      status,
      authenticatorIsmg:
        status === CONNECT_VERDICT.ok
          ? cmppAuthenticatorIsmgAs(style, layout, status, pdu.authenticatorSource, secret)
          : Buffer.alloc(16),
      version: CMPP_VERSION_BYTE[layout],
    },
  };
}

export interface SubmitDestination {
  /** As submitted; reports name the number this way. */
  raw: string;
  /** The handset: 11 digits when the number is a mainland mobile, else as submitted. */
  mobile: string;
}

export type SubmitContent =
  | { ok: false; result: number; reason: string }
  | {
      ok: true;
      destinations: SubmitDestination[];
      srcId: string;
      wantReport: boolean;
      /** UDH + text, as sent. */
      content: Buffer;
      concat: ConcatInfo | null;
      text: string;
    };

/**
 * What a SUBMIT carries, or the Result refusing it (docs/protocols.md §1.4, §1.9): Pk_number within Pk_total,
 * at least one destination, Msg_Length within the limit (< 160 for Msg_Fmt 0, else ≤ 140), a UDH
 * that parses when TP_udhi = 1. The text is decoded by this segment's own Msg_Fmt.
 */
export function readSubmit(pdu: CmppPduOf<'CMPP_SUBMIT'>, version: CmppVersion): SubmitContent {
  if (pdu.pkTotal < 1 || pdu.pkNumber < 1 || pdu.pkNumber > pdu.pkTotal)
    return {
      ok: false,
      result: SUBMIT_VERDICT.badStructure,
      reason: `Pk_number ${pdu.pkNumber} / Pk_total ${pdu.pkTotal}`,
    };
  const destinations = pdu.destTerminalId.map((raw) => ({ raw, mobile: normalizeMobile(raw) ?? raw }));
  if (destinations.length === 0 || destinations.some((d) => d.raw === ''))
    return {
      ok: false,
      // 3.0 has a code for it; 2.0 calls it a structure error.
      result: version === 'cmpp3' ? SUBMIT_VERDICT.badDest3 : SUBMIT_VERDICT.badStructure,
      reason: 'Dest_terminal_Id missing',
    };
  const max = pdu.msgFmt === MSG_FMT.ascii ? 159 : 140;
  if (pdu.msgContent.length > max)
    return {
      ok: false,
      result: SUBMIT_VERDICT.tooLong,
      reason: `Msg_Length ${pdu.msgContent.length} > ${max}`,
    };
  const split = splitUserData(pdu.msgContent, pdu.tpUdhi === 1);
  if (!split.ok) return { ok: false, result: SUBMIT_VERDICT.badStructure, reason: split.reason };
  return {
    ok: true,
    destinations,
    srcId: pdu.srcId,
    wantReport: pdu.registeredDelivery === 1,
    content: pdu.msgContent,
    concat: split.concat,
    text: decodeText(split.payload, codingOfMsgFmt(pdu.msgFmt)),
  };
}

/** Submit_time / Done_time are YYMMDDHHMM, Beijing time (docs/protocols.md §1.7). */
const reportTime = (epochMs: number): string => formatBeijing(epochMs, 'yyMMddHHmm');

/**
 * A status report DELIVER (docs/protocols.md §1.7): Registered_Delivery 1, Src_terminal_Id the destination of
 * the submit, Dest_Id the sender number it was submitted from, the 60/71-octet report in Msg_Content.
 */
export function reportDeliver(
  version: CmppVersion,
  sequenceId: number,
  report: ReportPayload<bigint>,
): CmppPdu {
  return {
    command: 'CMPP_DELIVER',
    sequenceId,
    msgId: report.deliverId,
    destId: report.srcId,
    serviceId: '',
    tpPid: 0,
    tpUdhi: 0,
    msgFmt: MSG_FMT.ascii,
    srcTerminalId: report.terminal,
    registeredDelivery: 1,
    msgContent: encodeCmppReport(version, {
      msgId: report.msgId,
      stat: report.stat,
      submitTime: reportTime(report.submittedAt),
      doneTime: reportTime(report.doneAt),
      destTerminalId: report.terminal,
      smscSequence: report.smscSequence,
    }),
  };
}

/** An uplink DELIVER (docs/protocols.md §1.7): Registered_Delivery 0, UDH ahead of the text when segmented. */
export function moDeliver(sequenceId: number, mo: MoPayload<bigint>): CmppPdu {
  const { segment } = mo;
  return {
    command: 'CMPP_DELIVER',
    sequenceId,
    msgId: mo.msgId,
    destId: mo.to,
    serviceId: '',
    tpPid: 0,
    tpUdhi: segment.udh ? 1 : 0,
    msgFmt: msgFmtOf(segment.coding),
    srcTerminalId: mo.from,
    registeredDelivery: 0,
    msgContent: segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload),
  };
}

/** Widths of the number fields an uplink fills (docs/protocols.md §1.7): Dest_Id 21, Src_terminal_Id 21 / 32. */
export const MO_FIELD_WIDTH = { destId: 21, srcTerminalId: { cmpp2: 21, cmpp3: 32 } } as const;
