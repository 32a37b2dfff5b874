/** The Gateways page's calls (routes/gateways.ts, web/pages/gateways/). */
import { z } from 'zod';
import { CARRIERS } from '../../domain/carrier.js';

const carrier = z.enum(CARRIERS);
// `refused` and `paused` are the ministry link's (docs/federation.md).
const state = z.enum(['idle', 'connecting', 'binding', 'bound', 'unbinding', 'closed', 'refused', 'paused']);

export const gatewayLive = z.object({
  state,
  bound: z.number(),
  inFlight: z.number(),
  queued: z.number(),
  window: z.number(),
  tps: z.number(),
  counters: z.object({
    submitted: z.number(),
    accepted: z.number(),
    rejected: z.number(),
    retried: z.number(),
    unanswered: z.number(),
    reports: z.number(),
    uplinks: z.number(),
    reconnects: z.number(),
    errors: z.number(),
  }),
  lastError: z.string().nullable(),
  /** Why a link is up in spite of a peer that broke the rules (`verifyServerAuthenticator: warn`). */
  warning: z.string().nullable().optional(),
});

export const gatewayView = z.object({
  id: z.string(),
  /** `config`: from the configuration file (can be switched off, not removed); `console`: added here. */
  origin: z.enum(['config', 'console']),
  protocol: z.string(),
  host: z.string(),
  port: z.number(),
  carriers: z.array(carrier),
  spNumber: z.string(),
  connections: z.number(),
  window: z.number(),
  tps: z.number(),
  weight: z.number(),
  enabled: z.boolean(),
  paused: z.boolean(),
  configured: z.object({ window: z.number(), tps: z.number(), enabled: z.boolean() }).nullable(),
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
  live: gatewayLive.nullable(),
});
export type GatewayView = z.infer<typeof gatewayView>;

export const gatewaysAnswer = z.object({ at: z.string(), gateways: z.array(gatewayView) });
export type GatewaysAnswer = z.infer<typeof gatewaysAnswer>;

/** PUT /gateways/:id — any of these; a pause keeps the link bound, the others reconnect it. */
export const gatewayChange = z
  .object({
    paused: z.boolean().optional(),
    enabled: z.boolean().optional(),
    tps: z.number().int().min(1).max(100_000).optional(),
    window: z.number().int().min(1).max(1024).optional(),
  })
  .strict();
export type GatewayChange = z.infer<typeof gatewayChange>;

/** POST /gateways — a link the configuration file does not have (the same keys as a file's `gateways` entry). */
export const gatewayAdd = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/),
    protocol: z.enum(['cmpp2', 'cmpp3', 'sgip', 'smgp', 'smpp']),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    account: z.string().min(1),
    secret: z.string(),
    spNumber: z.string().regex(/^\d{1,21}$/),
    serviceId: z.string().max(10).optional(),
    carriers: z.array(carrier).min(1),
    connections: z.number().int().min(1).max(64).optional(),
    window: z.number().int().min(1).max(1024).optional(),
    tps: z.number().int().min(1).max(100_000).optional(),
    weight: z.number().int().min(1).max(1000).optional(),
    enabled: z.boolean().optional(),
    /** Protocol options as in the configuration file (sgip, smgp, smpp blocks). */
    sgip: z.record(z.string(), z.unknown()).optional(),
    smgp: z.record(z.string(), z.unknown()).optional(),
    smpp: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type GatewayAdd = z.infer<typeof gatewayAdd>;
