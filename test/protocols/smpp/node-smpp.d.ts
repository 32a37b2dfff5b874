/**
 * The few parts of the npm `smpp` package (farhadi/node-smpp 0.5.1, CommonJS, no types of its own)
 * that the interoperability tests use: it is an independent SMPP peer, SMSC or ESME.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded or to-be-sent PDU: header fields plus the command's fields and TLVs by spec name. */
  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    response(options?: Record<string, unknown>): Pdu;
    isResponse(): boolean;
  }

  export interface Session extends EventEmitter {
    readonly socket: Socket;
    /** Writes a PDU; a request gets a sequence_number and `onResponse` is called with its answer. */
    send(pdu: Pdu, onResponse?: (response: Pdu) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    on(event: string, listener: (pdu: Pdu) => void): this;
  }

  export interface SmppServer extends NetServer {
    readonly sessions: Session[];
  }

  interface Smpp {
    PDU: new (command: string, options?: Record<string, unknown>) => Pdu;
    createServer(listener: (session: Session) => void): SmppServer;
    connect(options: { host: string; port: number }, listener?: () => void): Session;
  }

  const smpp: Smpp;
  export default smpp;
}
