/**
 * What an SMPP ESME connection (connection.ts) is given and tells its gateway: its states and their
 * transitions, the events it raises, the context it runs in.
 */
import type { Logger } from '../../log.js';
import type { GatewayConfig, SmppOptions } from '../gateway.js';
import type { Clock } from '../session/clock.js';
import type { TransitionTable } from '../session/state-machine.js';
import type { Delivered } from './client-mapping.js';
import type { BindKind } from './esme-pdus.js';

export type { BindKind } from './esme-pdus.js';

export const CONNECTION_STATES = ['closed', 'connecting', 'binding', 'bound', 'unbinding'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export const TRANSITIONS: TransitionTable<ConnectionState> = {
  closed: ['connecting'],
  connecting: ['binding', 'closed'],
  binding: ['bound', 'closed'],
  bound: ['unbinding', 'closed'],
  unbinding: ['closed'],
};

/** enquire_links left unanswered before the link is dropped (as CMPP's N = 3, README §1). */
export const KEEPALIVE_TRIES = 3;

/** sequence_number runs 1..0x7FFFFFFF (§3.2). */
export const MAX_SEQUENCE = 0x7fffffff;

export type ProblemKind = 'auth' | 'protocol' | 'network' | 'keepalive';

export interface ConnectionEvents {
  stateChanged(): void;
  /** A window slot may have opened (bound, or an answer arrived). */
  slotFreed(): void;
  /** Handles a deliver_sm / data_sm; answers the command_status of its response. Never rejects. */
  deliver(pdu: Delivered): Promise<number>;
  problem(kind: ProblemKind, message: string): void;
  reconnecting(): void;
}

export interface ConnectionContext {
  config: GatewayConfig;
  options: SmppOptions;
  kind: BindKind;
  clock: Clock;
  logger: Logger;
  random: () => number;
  events: ConnectionEvents;
}
