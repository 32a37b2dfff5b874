/**
 * The simulated SMGW's decisions about single PDUs, free of sockets: whom Login lets in, what a
 * Submit carries for the handsets, and the Delivers for reports and uplinks.
 */
import { timingSafeEqual } from 'node:crypto';
import { formatBeijing } from '../../domain/beijing-time.js';
import { normalizeMobile } from '../../domain/phone.js';
import { decodeText, splitUserData, type ConcatInfo } from '../../domain/text/index.js';
import type { MoPayload, ReportPayload } from '../simulator/core.js';
import type { ServerAuthenticatorStyle } from '../simulator/types.js';
import { smgpAuthenticatorClient, smgpAuthenticatorServerAs, smgpTimestampText } from './auth.js';
import type { SmgpLayout, SmgpPdu, SmgpPduOf } from './codec.js';
import {
  codingOfMsgFormat,
  legacyVersion,
  LOGIN_MODE,
  MSG_FORMAT,
  msgFormatOf,
  SMGP_VERSION_BYTE,
  STATUS,
  UNDELIV_ERRS,
} from './codes.js';
import { encodeSmgpReport } from './report.js';

export interface LoginAnswer {
  status: number;
  /** The Submit layout spoken on the link from now on; null when the login failed. */
  layout: SmgpLayout | null;
  /** What the link may carry (docs/protocols.md §3.3); meaningful when the login succeeded. */
  loginMode: number;
  resp: SmgpPduOf<'SMGP_LOGIN_RESP'>;
}

const major = (versionByte: number): number => versionByte >> 4;

const md5Equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/**
 * Checks a Login (§5.2.2.1; docs/protocols.md §3.3): ClientID must be the account and AuthenticatorClient
 * MD5(ClientID ‖ 7 × 0x00 ‖ secret ‖ TimeStamp as 10 digits) — SMGP has one Status for both, 21
 * "authentication error"; a version above 3.x is 22; a LoginMode other than 0–2 is a structure
 * error (10). A 1.x / 2.x client is served in its own layout and told its own version back, so that
 * it keeps that layout; anyone else hears 0x30. A failed login gets an all-zero AuthenticatorServer.
 */
export function answerLogin(
  pdu: SmgpPduOf<'SMGP_LOGIN'>,
  account: string,
  secret: string,
  style: ServerAuthenticatorStyle = 'spec',
): LoginAnswer {
  const expected = smgpAuthenticatorClient(account, secret, smgpTimestampText(pdu.timeStamp));
  let status: number = STATUS.ok;
  if (pdu.clientId !== account || !md5Equal(pdu.authenticatorClient, expected)) status = STATUS.authError;
  else if (major(pdu.clientVersion) > major(SMGP_VERSION_BYTE)) status = STATUS.versionTooHigh;
  else if (pdu.loginMode > LOGIN_MODE.transmit) status = STATUS.badStructure;
  const legacy = legacyVersion(pdu.clientVersion);
  const ok = status === STATUS.ok;
  return {
    status,
    layout: ok ? (legacy ? 'smgp13' : 'smgp30') : null,
    loginMode: pdu.loginMode,
    resp: {
      command: 'SMGP_LOGIN_RESP',
      sequenceId: pdu.sequenceId,
      status,
      authenticatorServer: ok
        ? smgpAuthenticatorServerAs(style, status, pdu.authenticatorClient, secret)
        : Buffer.alloc(16),
      serverVersion: ok && legacy ? pdu.clientVersion : SMGP_VERSION_BYTE,
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
  | { ok: false; status: number; reason: string }
  | {
      ok: true;
      destinations: SubmitDestination[];
      srcTermId: string;
      wantReport: boolean;
      /** UDH + text, as sent. */
      content: Buffer;
      concat: ConcatInfo | null;
      text: string;
    };

/** MsgType values an SP may submit (docs/protocols.md §3.4): 6 MT, 7 point-to-point. */
const SP_MSG_TYPES: ReadonlySet<number> = new Set([6, 7]);

/**
 * What a Submit carries, or the Status refusing it (§5.2.2.2, §6.2.6; docs/protocols.md §3.4, §6.3): an SP
 * MsgType (30), at least one DestTermID (47), MsgLength within the limit (36: < 160 for ASCII,
 * which the SMGW repacks as 7-bit like an ISMG, else ≤ 140), PkNumber within PkTotal and a UDH
 * that parses when TP_udhi = 1 (10). The text is decoded by this segment's own MsgFormat.
 */
export function readSubmit(pdu: SmgpPduOf<'SMGP_SUBMIT'>): SubmitContent {
  const options = pdu.options ?? {};
  if (!SP_MSG_TYPES.has(pdu.msgType)) return { ok: false, status: 30, reason: `MsgType ${pdu.msgType}` };
  const destinations = pdu.destTermId.map((raw) => ({ raw, mobile: normalizeMobile(raw) ?? raw }));
  if (destinations.length === 0 || destinations.some((d) => d.raw === ''))
    return { ok: false, status: STATUS.badDestTermId, reason: 'DestTermID missing' };
  const max = pdu.msgFormat === MSG_FORMAT.ascii ? 159 : 140;
  if (pdu.msgContent.length > max)
    return { ok: false, status: STATUS.badMsgLength, reason: `MsgLength ${pdu.msgContent.length} > ${max}` };
  const { pkTotal, pkNumber } = options;
  if (pkTotal !== undefined && pkNumber !== undefined && (pkNumber < 1 || pkNumber > pkTotal))
    return { ok: false, status: STATUS.badStructure, reason: `PkNumber ${pkNumber} / PkTotal ${pkTotal}` };
  const split = splitUserData(pdu.msgContent, options.tpUdhi === 1);
  if (!split.ok) return { ok: false, status: STATUS.badStructure, reason: split.reason };
  return {
    ok: true,
    destinations,
    srcTermId: pdu.srcTermId,
    wantReport: pdu.needReport === 1,
    content: pdu.msgContent,
    concat: split.concat,
    text: decodeText(split.payload, codingOfMsgFormat(pdu.msgFormat)),
  };
}

/** RecvTime is YYYYMMDDHHMMSS and report dates YYMMDDhhmm, Beijing time (§5.2.2.3, §6.2.63). */
const recvTime = (epochMs: number): string => formatBeijing(epochMs, 'yyyyMMddHHmmss');
const reportTime = (epochMs: number): string => formatBeijing(epochMs, 'yyMMddHHmm');

/**
 * A status report Deliver (§5.2.2.3, §6.2.63): IsReport 1, SrcTermID the handset the message went
 * to, DestTermID the number it was sent from, the 122-octet report text in MsgContent. A failed
 * message is UNDELIV with one of the Err codes the spec pairs with UNDELIV.
 */
export function reportDeliver(sequenceId: number, report: ReportPayload<Buffer>, now: number): SmgpPdu {
  const delivered = report.stat === 'DELIVRD';
  return {
    command: 'SMGP_DELIVER',
    sequenceId,
    msgId: report.deliverId,
    isReport: 1,
    msgFormat: MSG_FORMAT.ascii,
    recvTime: recvTime(now),
    srcTermId: report.terminal,
    destTermId: report.srcId,
    msgContent: encodeSmgpReport({
      id: report.msgId,
      sub: '001',
      dlvrd: delivered ? '001' : '000',
      submitDate: reportTime(report.submittedAt),
      doneDate: reportTime(report.doneAt),
      stat: report.stat,
      err: delivered ? '000' : (UNDELIV_ERRS[report.smscSequence % UNDELIV_ERRS.length] ?? '006'),
      // Txt: the length in 3 digits, then the start of the text; the simulator keeps no text here.
      txt: Buffer.from('000', 'latin1'),
    }),
  };
}

/** An uplink Deliver (§5.2.2.3): IsReport 0, the UDH ahead of the text with the TP_udhi TLV when segmented. */
export function moDeliver(sequenceId: number, mo: MoPayload<Buffer>, now: number): SmgpPdu {
  const { segment } = mo;
  return {
    command: 'SMGP_DELIVER',
    sequenceId,
    msgId: mo.msgId,
    isReport: 0,
    msgFormat: msgFormatOf(segment.coding),
    recvTime: recvTime(now),
    srcTermId: mo.from,
    destTermId: mo.to,
    msgContent: segment.udh ? Buffer.concat([segment.udh, segment.payload]) : Buffer.from(segment.payload),
    options: segment.udh ? { tpUdhi: 1 } : {},
  };
}

/** Widths of the number fields an uplink fills (§5.2.2.3): SrcTermID and DestTermID, 21 each. */
export const MO_FIELD_WIDTH = 21;
