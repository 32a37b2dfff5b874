/**
 * The ESME session's decisions about single PDUs, free of sockets: the bind it sends, what it reads
 * out of a deliver_sm / data_sm, and how it meets a frame it cannot decode.
 */
import type { DecodeError } from '../codec/result.js';
import { peekCommandId } from '../codec/protocol.js';
import type { GatewayConfig, SmppOptions } from '../gateway.js';
import type { Delivered } from './client-mapping.js';
import { isResponseId, peekSequence, type SmppPdu, type SmppPduOf } from './codec.js';
import { STATUS } from './codes.js';
import { SMPP_INTERFACE_VERSION } from './tables.js';

export type BindKind = 'transceiver' | 'transmitter' | 'receiver';

const BIND_COMMAND = {
  transceiver: 'bind_transceiver',
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
} as const;

/**
 * bind_* (§4.1.1, §4.1.3, §4.1.5; docs/protocols.md §4.3): system_id and password in clear, system_type from
 * the gateway's SMPP options, interface_version 0x34, no address range (the SMSC routes by system_id).
 */
export function bindPduOf(
  kind: BindKind,
  sequenceNumber: number,
  config: Pick<GatewayConfig, 'account' | 'secret'>,
  options: Pick<SmppOptions, 'systemType'>,
): SmppPdu {
  return {
    command: BIND_COMMAND[kind],
    commandStatus: 0,
    sequenceNumber,
    systemId: config.account,
    password: config.secret,
    systemType: options.systemType,
    interfaceVersion: SMPP_INTERFACE_VERSION,
    addrTon: 0,
    addrNpi: 0,
    addressRange: '',
  };
}

/** The fields the gateway reads of a deliver_sm, or of a data_sm (whose text is in message_payload). */
export function deliveredOf(pdu: SmppPduOf<'deliver_sm'> | SmppPduOf<'data_sm'>): Delivered {
  return {
    sourceAddr: pdu.sourceAddr,
    destinationAddr: pdu.destinationAddr,
    esmClass: pdu.esmClass,
    dataCoding: pdu.dataCoding,
    tlvs: pdu.tlvs ?? {},
    shortMessage: pdu.command === 'deliver_sm' ? pdu.shortMessage : Buffer.alloc(0),
  };
}

export type UndecodableVerdict =
  { kind: 'nack'; sequenceNumber: number; status: number } | { kind: 'drop'; message: string };

/**
 * A frame whose header framed but whose PDU does not decode (§4.3 generic_nack): an unknown
 * command_id gets generic_nack ESME_RINVCMDID, a request whose body does not add up
 * ESME_RINVCMDLEN, and the link stays; a response that does not decode means the peer is broken,
 * and the link is dropped (its requests in flight end as unanswered).
 */
export function undecodableVerdict(frame: Buffer, error: DecodeError, peer: string): UndecodableVerdict {
  const id = peekCommandId(frame) ?? 0;
  const sequenceNumber = peekSequence(frame) ?? 0;
  if (error.code === 'UNKNOWN_COMMAND')
    return { kind: 'nack', sequenceNumber, status: STATUS.invalidCommandId };
  if (!isResponseId(id)) return { kind: 'nack', sequenceNumber, status: STATUS.invalidCommandLength };
  const head = frame.subarray(0, 64).toString('hex');
  return {
    kind: 'drop',
    message: `无法解析 cannot decode a PDU from the ${peer}: ${error.code} ${error.message} [${head}]`,
  };
}
