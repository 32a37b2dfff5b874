/**
 * Console API contracts (docs/console.md "API contracts"): each call's request and answer declared
 * once with zod, in the files beside this one. The route validates with the JSON Schema derived
 * here and answers the declared type; the page imports the same types (`import type` only, so zod
 * stays out of the browser bundle).
 */
import { z } from 'zod';

/** The JSON Schema Fastify validates a request part with, derived from its zod contract. */
export function requestSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  return rest;
}

export const idParams = z.object({ id: z.string().min(1).max(64) }).strict();
