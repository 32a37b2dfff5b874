/** The sensitive-word list (migration 0010): what admission looks for in every text (docs/design.md §5.7; the standard's §8.2 b). */
import type { Kysely } from 'kysely';
import { normaliseWord, type WordAction, type WordEntry } from '../domain/sensitive-words.js';
import type { IdAllocator } from './ids.js';
import type { Database } from './schema.js';

export interface SensitiveWordRecord extends WordEntry {
  id: number;
  note: string | null;
  createdBy: string;
  createdAt: number;
}

export async function listSensitiveWords(db: Kysely<Database>): Promise<SensitiveWordRecord[]> {
  const rows = await db.selectFrom('sensitive_words').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    word: r.word,
    action: r.action,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

export type AddWordResult =
  { kind: 'added'; id: number } | { kind: 'exists'; id: number; word: string } | { kind: 'empty' };

/** Adds a word; one whose normalised form is already listed is not added twice (its action is not changed). */
export async function addSensitiveWord(
  db: Kysely<Database>,
  ids: IdAllocator,
  entry: { word: string; action: WordAction; note: string | null; by: string },
  now: number,
): Promise<AddWordResult> {
  const normalized = normaliseWord(entry.word);
  if (normalized === '') return { kind: 'empty' };
  const existing = await db
    .selectFrom('sensitive_words')
    .select(['id', 'word'])
    .where('normalized', '=', normalized)
    .executeTakeFirst();
  if (existing) return { kind: 'exists', id: existing.id, word: existing.word };
  await ids.reserve(1);
  const id = ids.take();
  await db
    .insertInto('sensitive_words')
    .values({
      id,
      word: entry.word.trim(),
      normalized,
      action: entry.action,
      note: entry.note,
      created_by: entry.by,
      created_at: now,
    })
    .execute();
  return { kind: 'added', id };
}

/** Longest word the list takes; a longer one is reported invalid. */
export const MAX_WORD_LENGTH = 50;

/** Adds several words (`addSensitiveWord` each) and says which were added, listed already, or invalid. */
export async function addSensitiveWords(
  db: Kysely<Database>,
  ids: IdAllocator,
  entry: { words: readonly string[]; action: WordAction; note: string | null; by: string },
  now: number,
): Promise<{ added: string[]; existing: string[]; invalid: string[] }> {
  const added: string[] = [];
  const existing: string[] = [];
  const invalid: string[] = [];
  for (const word of entry.words) {
    if (word.length > MAX_WORD_LENGTH) {
      invalid.push(word.slice(0, MAX_WORD_LENGTH));
      continue;
    }
    const r = await addSensitiveWord(
      db,
      ids,
      { word, action: entry.action, note: entry.note, by: entry.by },
      now,
    );
    if (r.kind === 'added') added.push(word);
    else if (r.kind === 'exists') existing.push(r.word);
    else invalid.push(word);
  }
  return { added, existing, invalid };
}

export async function updateSensitiveWordAction(
  db: Kysely<Database>,
  id: number,
  action: WordAction,
): Promise<SensitiveWordRecord | null> {
  await db.updateTable('sensitive_words').set({ action }).where('id', '=', id).execute();
  return (await listSensitiveWords(db)).find((w) => w.id === id) ?? null;
}

export async function removeSensitiveWord(db: Kysely<Database>, id: number): Promise<string | null> {
  const row = await db
    .deleteFrom('sensitive_words')
    .where('id', '=', id)
    .returning('word')
    .executeTakeFirst();
  return row?.word ?? null;
}

/** A cheap fingerprint of the list, so a cache reloads only when it changed. */
export async function sensitiveWordsFingerprint(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('sensitive_words')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.max('id').as('max_id'),
      eb.fn.sum<number>('id').as('sum_id'),
    ])
    .executeTakeFirst();
  return `${String(row?.n ?? 0)}:${String(row?.max_id ?? 0)}:${String(row?.sum_id ?? 0)}`;
}
