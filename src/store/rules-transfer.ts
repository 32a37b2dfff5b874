/**
 * Export and import of the rules file (domain/rules-file.ts): every black- and white-listed number
 * and every sensitive word, unmasked, for the security administrator to keep and to load into
 * another platform or a rebuilt one. Importing adds what is missing and leaves what exists alone.
 */
import type { Kysely } from 'kysely';
import { RULES_HEADER, ruleLine, type RuleEntry } from '../domain/rules-file.js';
import { csvLine } from '../domain/csv.js';
import type { IdAllocator } from './ids.js';
import { addNumbers, allNumbers } from './number-lists.js';
import type { Database } from './schema.js';
import { addSensitiveWord, listSensitiveWords } from './sensitive-words.js';

export async function* exportRules(db: Kysely<Database>): AsyncGenerator<string> {
  yield `\uFEFF${csvLine(RULES_HEADER)}\r\n`;
  for (const kind of ['BLACKLIST', 'WHITELIST'] as const)
    for await (const page of allNumbers(db, kind))
      yield page.map((e) => `${ruleLine({ kind, mobile: e.mobile, note: e.reason })}\r\n`).join('');
  const words = await listSensitiveWords(db);
  yield words
    .map((w) => `${ruleLine({ kind: 'WORD', word: w.word, action: w.action, note: w.note })}\r\n`)
    .join('');
}

export interface RulesImported {
  numbers: number;
  words: number;
  already: number;
}

export async function importRules(
  db: Kysely<Database>,
  ids: IdAllocator,
  entries: readonly RuleEntry[],
  by: string,
  now: number,
): Promise<RulesImported> {
  let numbers = 0;
  let words = 0;
  let already = 0;
  for (const kind of ['BLACKLIST', 'WHITELIST'] as const) {
    // One reason per number: the import keeps each entry's own, grouped by reason.
    const byNote = new Map<string | null, string[]>();
    for (const e of entries) {
      if (e.kind !== kind) continue;
      const group = byNote.get(e.note);
      if (group) group.push(e.mobile);
      else byNote.set(e.note, [e.mobile]);
    }
    for (const [note, mobiles] of byNote) {
      const unique = [...new Set(mobiles)];
      const added = await addNumbers(db, kind, unique, note, now);
      numbers += added;
      already += unique.length - added;
    }
  }
  for (const e of entries) {
    if (e.kind !== 'WORD') continue;
    const r = await addSensitiveWord(db, ids, { word: e.word, action: e.action, note: e.note, by }, now);
    if (r.kind === 'added') words++;
    else already++;
  }
  return { numbers, words, already };
}
