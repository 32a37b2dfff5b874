/**
 * A length-prefixed PDU protocol as data: every PDU starts with a 4-octet total length and a
 * 4-octet command id (CMPP, SGIP, SMGP and SMPP all do), then the protocol's remaining fixed-size
 * header fields, then the body of the command. `PduOf<P>` derives the discriminated union of PDUs
 * from the tables; `encodePdu` / `decodePdu` are the engine for whole frames.
 */
import { AppError } from '../../shared/errors.js';
import { fixedSize, type Field, type Simplify, type StructValue } from './fields.js';
import { decoded, failed, type DecodeResult } from './result.js';
import { checkTable, decodeFields, encodeFields, type Values } from './struct.js';

export interface CommandSpec {
  readonly id: number;
  readonly body: readonly Field[];
}

export interface ProtocolSpec {
  readonly protocol: string;
  /** Spec names of the two leading header fields, for `pdu decode` output. */
  readonly lengthSpec: string;
  readonly commandSpec: string;
  /** Header fields after the total length and command id; all fixed-size. */
  readonly header: readonly Field[];
  /** Largest total length accepted; the framer rejects more before it allocates. */
  readonly maxLength: number;
  readonly commands: Readonly<Record<string, CommandSpec>>;
}

type CommandName<P extends ProtocolSpec> = keyof P['commands'] & string;

/** The discriminated union (on `command`) of every PDU a protocol table describes. */
export type PduOf<P extends ProtocolSpec> = {
  [K in CommandName<P>]: Simplify<
    { command: K } & StructValue<P['header']> & StructValue<P['commands'][K]['body']>
  >;
}[CommandName<P>];

export interface Protocol<P extends ProtocolSpec> {
  readonly spec: P;
  /** Octets of the header, the total length and command id included. */
  readonly headerSize: number;
  /** Command names by id (typed loosely: `keyof` here would make Protocol invariant in P). */
  readonly byId: ReadonlyMap<number, string>;
}

/** Checks the tables once and indexes commands by id. A bad table throws at module load. */
export function defineProtocol<const P extends ProtocolSpec>(spec: P): Protocol<P> {
  let headerSize = 8;
  for (const f of spec.header) {
    const size = fixedSize(f);
    if (size === null) throw new Error(`${spec.protocol}: header field ${f.name} must be fixed-size`);
    headerSize += size;
  }
  checkTable(spec.header, `${spec.protocol} header`);
  const byId = new Map<number, string>();
  for (const [name, command] of Object.entries(spec.commands)) {
    checkTable(command.body, `${spec.protocol} ${name}`);
    if (byId.has(command.id)) throw new Error(`${spec.protocol}: duplicate command id ${command.id}`);
    byId.set(command.id, name);
  }
  return { spec, headerSize, byId };
}

/** The whole frame for a PDU; throws `ERR_PROTOCOL_ENCODE` when a value does not fit its field. */
export function encodePdu<P extends ProtocolSpec>(protocol: Protocol<P>, pdu: PduOf<P>): Buffer {
  const values = pdu as Values;
  const name = values.command;
  const command = typeof name === 'string' ? protocol.spec.commands[name] : undefined;
  if (!command)
    throw new AppError('ERR_PROTOCOL_ENCODE', `${protocol.spec.protocol}: unknown command ${String(name)}`);
  const header = encodeFields(protocol.spec.header, values, 8).buf;
  const { buf } = encodeFields(command.body, values, protocol.headerSize);
  header.copy(buf, 0);
  if (buf.length > protocol.spec.maxLength) {
    throw new AppError(
      'ERR_PROTOCOL_ENCODE',
      `${String(name)}: ${buf.length} octets exceed ${protocol.spec.maxLength}`,
    );
  }
  buf.writeUInt32BE(buf.length, 0);
  buf.writeUInt32BE(command.id, 4);
  return buf;
}

/** The command id at the start of a frame, or null when the frame is too short to hold one. */
export function peekCommandId(frame: Buffer): number | null {
  return frame.length >= 8 ? frame.readUInt32BE(4) : null;
}

/** Decodes one complete frame (as a framer yields it). Never throws. */
export function decodePdu<P extends ProtocolSpec>(
  protocol: Protocol<P>,
  frame: Buffer,
): DecodeResult<PduOf<P>> {
  const { spec, headerSize } = protocol;
  if (frame.length < headerSize) {
    return failed(
      'TRUNCATED',
      `${spec.protocol}: ${frame.length} octets, the header needs ${headerSize}`,
      spec.lengthSpec,
    );
  }
  const total = frame.readUInt32BE(0);
  if (total !== frame.length) {
    return failed(
      'LENGTH_MISMATCH',
      `${spec.lengthSpec} ${total} but the frame has ${frame.length} octets`,
      spec.lengthSpec,
    );
  }
  if (total > spec.maxLength)
    return failed('TOO_LONG', `${spec.lengthSpec} ${total} exceeds ${spec.maxLength}`, spec.lengthSpec);
  const id = frame.readUInt32BE(4);
  const name = protocol.byId.get(id);
  const command = name === undefined ? undefined : spec.commands[name];
  if (name === undefined || !command) {
    return failed(
      'UNKNOWN_COMMAND',
      `${spec.commandSpec} 0x${id.toString(16).padStart(8, '0')} is not a ${spec.protocol} command`,
      spec.commandSpec,
    );
  }
  const header = decodeFields(spec.header, frame, 8, headerSize);
  if (!header.ok) return header;
  const body = decodeFields(command.body, frame, headerSize, frame.length);
  if (!body.ok) return { ok: false, error: { ...body.error, message: `${name}: ${body.error.message}` } };
  return decoded({ command: name, ...header.value, ...body.value } as PduOf<P>);
}
