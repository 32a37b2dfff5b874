/**
 * What the ministry link's parts share (client.ts holds the state; submit.ts sends, feeds.ts pulls):
 * its configuration, its HTTP client, its counters and the state it is in.
 */
import type { GatewayConfig, GatewayStatus, MinistryOptions } from '../gateway.js';
import type { HttpAnswer, JsonPoster } from './http.js';

export interface LinkContext {
  readonly config: GatewayConfig;
  readonly options: MinistryOptions;
  readonly poster: JsonPoster;
  readonly counters: GatewayStatus['counters'];
  now(): number;
  /** Bound and not closing: requests may go. */
  usable(): boolean;
  closing(): boolean;
  /** Why nothing goes now (the last error, else the state). */
  downReason(): string;
  credentials(): { appName: string; password: string };
  /** A request failed in a way that says the link is not usable now. */
  linkTrouble(answer: HttpAnswer | { kind: 'code'; code: number; msg: string }): void;
}

/** A field of the ministry's JSON as text: strings and numbers as written, anything else empty. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
