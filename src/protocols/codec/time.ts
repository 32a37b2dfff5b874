/**
 * The absolute time format of SMPP 3.4 §7.1.1 ("YYMMDDhhmmsstnnp"), which CMPP ValId_Time, SGIP
 * ExpireTime and SMGP ValidTime adopt too (docs/protocols.md §1.4, §2.3, §3.4, §4.4). We write
 * Beijing wall-clock time with its offset from UTC, +8 h = 32 quarter-hours, so a carrier reading
 * it either as local time or by the offset gets the same instant.
 */
import { formatBeijing } from '../../domain/beijing-time.js';

/** 16 characters: tenths of a second are always 0 (the platform's times are whole seconds). */
export function absoluteTime(epochMs: number): string {
  return `${formatBeijing(epochMs, 'yyMMddHHmmss')}032+`;
}

/** The validity field of a submit: empty (the carrier's default) when the part has none. */
export function validityField(validUntil: number | null | undefined): string {
  return validUntil === null || validUntil === undefined ? '' : absoluteTime(validUntil);
}
