/**
 * Console API contracts (docs/console.md "API contracts"): each call's request and answer declared
 * once with zod, in the files beside this one. The route validates with the JSON Schema derived
 * here and declares its answer with `responseSchema`, so Fastify serialises exactly the declared
 * fields (a field the contract does not name is not sent; a missing required one fails the call);
 * the page imports the same types (`import type` only, so zod stays out of the browser bundle).
 */
import { z } from 'zod';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io });
  return rest;
}

/**
 * Fastify's validator coerces types, branch by branch: in a derived `anyOf: [string, null]` it
 * turns a null into "" (or 0 for a number) before the null branch is tried, and the value stays
 * changed. Trying the null branch first keeps a null a null.
 */
function nullFirst(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullFirst);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = nullFirst(value);
  const branches: unknown = out.anyOf;
  if (Array.isArray(branches)) {
    const isNull = (s: unknown) =>
      typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'null';
    const list: unknown[] = branches;
    out.anyOf = [...list.filter(isNull), ...list.filter((s) => !isNull(s))];
  }
  return out;
}

/** The JSON Schema Fastify validates a request part with, derived from its zod contract. */
export function requestSchema(schema: z.ZodType): Record<string, unknown> {
  return nullFirst(jsonSchema(schema, 'input')) as Record<string, unknown>;
}

/** A route's `response:` map for its success status (200 unless said), derived from the answer's zod contract. */
export function responseSchema(schema: z.ZodType, status = 200): Record<number, Record<string, unknown>> {
  return { [status]: jsonSchema(schema, 'output') };
}

export const idParams = z.object({ id: z.string().min(1).max(64) }).strict();

/** `:id` of a numbered row (templates, tickets, …); the path's text becomes a number. */
export const numericIdParams = z.object({ id: z.coerce.number().int().min(1) }).strict();

export const okAnswer = z.object({ ok: z.literal(true) });

/** A reviewer's note on a decision (templates, held sends): optional to approve, required to reject. */
export const approveBody = z.object({ note: z.string().max(500).optional() }).strict();
export const rejectBody = z.object({ note: z.string().min(1).max(500) }).strict();
export type DecisionBody = z.infer<typeof approveBody>;
