/**
 * Reply texts as operators left them: the built-in text for every key (replies.ts), overridden by
 * the reply_templates table. Read through a short cache so a busy engine does not ask the database
 * on every command; an edit made here is seen at once, one made by another process within seconds.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../shared/errors.js';
import type { Database } from '../store/schema.js';
import { checkReplyEdit, isReplyKey, REPLY_DEFAULTS, REPLY_KEYS, type ReplyKey } from './replies.js';

export type ReplyTextSet = Record<ReplyKey, string>;

export interface ReplyTextEntry {
  key: ReplyKey;
  content: string;
  builtIn: string;
  edited: { by: string; at: number } | null;
}

export class ReplyTexts {
  private cached: { texts: ReplyTextSet; at: number } | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly signature: string,
    private readonly cacheMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<ReplyTextSet> {
    if (this.cached && this.now() - this.cached.at < this.cacheMs) return this.cached.texts;
    const texts: ReplyTextSet = { ...REPLY_DEFAULTS };
    for (const row of await this.db.selectFrom('reply_templates').select(['key', 'content']).execute())
      if (isReplyKey(row.key)) texts[row.key] = row.content;
    this.cached = { texts, at: this.now() };
    return texts;
  }

  async list(): Promise<ReplyTextEntry[]> {
    const rows = await this.db.selectFrom('reply_templates').selectAll().execute();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return REPLY_KEYS.map((key) => {
      const row = byKey.get(key);
      return {
        key,
        content: row?.content ?? REPLY_DEFAULTS[key],
        builtIn: REPLY_DEFAULTS[key],
        edited: row ? { by: row.updated_by, at: row.updated_at } : null,
      };
    });
  }

  /** Saves an operator's text; refused (ERR_INPUT_INVALID) when it would not fit one SMS or names unknown variables. */
  async set(key: string, content: string, by: string): Promise<void> {
    if (!isReplyKey(key)) throw new AppError('ERR_INPUT_INVALID', `未知的回复模板 ${key}`);
    const problem = checkReplyEdit(key, content, this.signature);
    if (problem !== null) throw new AppError('ERR_INPUT_INVALID', `${key}: ${problem}`);
    const at = this.now();
    await this.db
      .insertInto('reply_templates')
      .values({ key, content, updated_by: by, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ content, updated_by: by, updated_at: at }))
      .execute();
    this.cached = null;
  }

  /** Back to the built-in text. */
  async reset(key: ReplyKey): Promise<void> {
    await this.db.deleteFrom('reply_templates').where('key', '=', key).execute();
    this.cached = null;
  }
}
