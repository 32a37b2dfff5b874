/**
 * How a route carries text (docs/design.md §5 Text; docs/protocols.md §6.2):
 * - `cn`: the Chinese carriers' links (CMPP, SGIP, SMGP). 7-bit text is printable ASCII sent as 8-bit
 *   unpacked bytes (Msg_Fmt 0): 159 per single SMS (CMPP and SMGP take fewer than 160), 134 bytes
 *   per concatenated segment.
 * - `gsm`: SMPP links. 7-bit text is the GSM 03.38 default alphabet (extension characters count 2),
 *   one septet per octet on the wire (data_coding 0): 160 single, 153 per segment.
 * - `gsm-sar`: SMPP links that concatenate by SAR TLVs: the header travels outside the 140 octets,
 *   so a segment holds as much as a single SMS (160 septets, 70 UCS-2 units).
 * Anything else is UCS-2: 70 UTF-16 code units single, 67 per segment (70 on `gsm-sar`).
 */
export type TextProfile = 'cn' | 'gsm' | 'gsm-sar';

/** Wire coding of one message: CMPP/SGIP/SMGP Msg_Fmt 0 / 8, SMPP data_coding 0 / 8. */
export type TextCoding = 'ascii' | 'gsm7' | 'ucs2';

export interface TextMeasure {
  coding: TextCoding;
  /** Length in the coding's units: bytes (ascii), septets (gsm7), UTF-16 code units (ucs2). */
  units: number;
  /** Number of SMS the text takes when concatenation is allowed (1 if it fits a single SMS). */
  segments: number;
  /** Whether the text fits one SMS without a concatenation header. */
  fitsSingle: boolean;
}

/** One SMS of a message, ready for a gateway. */
export interface Segment {
  /** 1-based position. */
  partNo: number;
  total: number;
  coding: TextCoding;
  /** 6-byte concatenation UDH (05 00 03 ref total seq), or null for a single SMS. */
  udh: Uint8Array | null;
  /** Encoded user text of this segment, without the UDH. */
  payload: Uint8Array;
  /** The characters this segment carries (for logs and simulators). */
  text: string;
}
