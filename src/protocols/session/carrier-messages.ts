/**
 * What the four client mappings read the same way from a carrier's report or uplink: the handset's
 * number, and an uplink's text and concatenation from its user data. Each protocol's mapping keeps
 * only where its fields are and how its ids are written.
 */
import { normalizeMobile } from '../../domain/phone.js';
import { decodeText, splitUserData, type ConcatInfo, type DecodableCoding } from '../../domain/text/index.js';

/** An 11-digit mobile where the address is one ("86" / "+86" stripped), else the address as sent. */
export const mobileOf = (address: string): string => normalizeMobile(address) ?? address;

/**
 * An uplink's user data as text: the UDH split off when the PDU says there is one, the rest decoded
 * in its coding. A UDH that does not parse keeps every octet as text rather than lose the message.
 */
export function uplinkText(
  userData: Uint8Array,
  udhi: boolean,
  coding: DecodableCoding,
): { text: string; concat: ConcatInfo | null } {
  const split = splitUserData(userData, udhi);
  const payload = split.ok ? split.payload : userData;
  return {
    text: decodeText(payload, coding),
    concat: split.ok && split.concat ? { ...split.concat } : null,
  };
}
