/**
 * The simulated SMSC (SMPP 3.4 server side, docs/protocols.md §4): accepts exactly the configured system_id and
 * password on binds of all three kinds, answers submit_sm with a hex message_id per submit,
 * delivers the reassembled messages (UDH, SAR or message_payload) to the simulator's handsets, and
 * sends receipts (Appendix B text + receipted_message_id + message_state) and uplink messages as
 * deliver_sm. Protocol-independent behaviour lives in src/protocols/simulator.
 */
import { AppError } from '../../shared/errors.js';
import { segmentText, type Segment } from '../../domain/text/index.js';
import { SimulatorCore, type IdStamp, type OutgoingPayload } from '../simulator/core.js';
import {
  serveProtocol,
  type ProtocolServer,
  type ProtocolServerOptions,
} from '../simulator/protocol-server.js';
import type { MoRequest } from '../simulator/types.js';
import { SmppSimConnection } from './simulator-connection.js';
import { receiptPreview } from './simulator-pdus.js';

/** message_id: the id's second and its 16-bit sequence as one hex number (unique over a run). */
export const smppMessageIdOf = (stamp: IdStamp): string =>
  ((BigInt(Math.floor(stamp.epochMs / 1000)) << 16n) | BigInt(stamp.sequence)).toString(16);

/** source_addr / destination_addr of deliver_sm are C-Octet Strings of at most 21 octets (§4.6.1). */
const MAX_ADDRESS = 20;

/** Receipt previews kept; older messages get a receipt with an empty `text:`. */
const PREVIEWS = 100_000;

/**
 * A citizen's message as a handset on an SMPP network sends it (docs/design.md §5, the `gsm` profile): GSM
 * 7-bit when every character is in the alphabet, else UCS-2, concatenated with a UDH when long.
 */
function moSegments(text: string, reference: number): Segment[] {
  try {
    return segmentText(text, 'gsm', reference);
  } catch (err) {
    // Only a text beyond 255 segments, which a UDH cannot number (TS 23.040 §9.2.3.24.1).
    throw new AppError(
      'ERR_SIMULATOR_MO_INVALID',
      `text 太长 (too long): ${text.length} 个字符 (characters)`,
      {
        cause: err,
      },
    );
  }
}

export async function startSmppSimulator(options: ProtocolServerOptions): Promise<ProtocolServer> {
  const logger = options.logger.child({ protocol: 'smpp' });
  const core = new SimulatorCore<string>({ ...options, logger, composeId: smppMessageIdOf });
  const previews = new Map<string, string>();
  let moReference = 0;

  const context = {
    core,
    logger,
    preview: (msgId: string) => previews.get(msgId) ?? '',
    remember(msgId: string, text: string): void {
      previews.set(msgId, receiptPreview(text));
      if (previews.size > PREVIEWS) {
        const oldest = previews.keys().next();
        if (!oldest.done) previews.delete(oldest.value);
      }
    },
  };

  return serveProtocol({
    host: options.host,
    port: options.port,
    logger,
    core,
    link: (id, socket) => new SmppSimConnection(id, socket, context),
    moWidths: { from: MAX_ADDRESS, to: MAX_ADDRESS },
    queueMo(mo: MoRequest): { segments: number } {
      const segments = moSegments(mo.text, moReference);
      moReference = (moReference + 1) & 0xff;
      const payloads = segments.map((segment): OutgoingPayload<string> => ({
        kind: 'mo',
        mo: { msgId: core.newId(), from: mo.from, to: mo.to, segment },
      }));
      // The core's own queueMo cuts for the Chinese links; SMPP handsets use GSM 7-bit.
      core.outbound.enqueue('mo', payloads, null);
      return { segments: segments.length };
    },
  });
}
