/**
 * The rules file (docs/data-protection.md "Lists and sensitive words"): the black and white lists
 * and the sensitive words, unmasked, as one CSV an administrator exports and imports back —
 *
 *   kind,value,action,note
 *   BLACKLIST,13900000001,,投诉
 *   WORD,违禁词,block,
 *
 * Values that a spreadsheet would run as a formula are written with a leading `'` and read back
 * without it. Reading reports every bad line with its number and takes the good ones.
 */
import { readCsv, spreadsheetLine } from './csv.js';
import { normalizeMobile } from './phone.js';
import { WORD_ACTIONS, type WordAction } from './sensitive-words.js';

export const RULES_HEADER = ['kind', 'value', 'action', 'note'] as const;

export type RuleEntry =
  | { kind: 'BLACKLIST' | 'WHITELIST'; mobile: string; note: string | null }
  | { kind: 'WORD'; word: string; action: WordAction; note: string | null };

export function ruleLine(entry: RuleEntry): string {
  return entry.kind === 'WORD'
    ? spreadsheetLine(['WORD', entry.word, entry.action, entry.note ?? ''])
    : spreadsheetLine([entry.kind, entry.mobile, '', entry.note ?? '']);
}

const unquote = (value: string): string => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);

export function parseRules(text: string): {
  entries: RuleEntry[];
  invalid: { line: number; reason: string }[];
} {
  const entries: RuleEntry[] = [];
  const invalid: { line: number; reason: string }[] = [];
  let first = true;
  for (const record of readCsv(text)) {
    if (record.fields === undefined) {
      invalid.push({ line: record.line, reason: record.error });
      continue;
    }
    const [kind = '', rawValue = '', action = '', rawNote = ''] = record.fields.map((f) => unquote(f.trim()));
    if (first) {
      first = false;
      if (kind === 'kind') continue;
    }
    const note = rawNote === '' ? null : rawNote.slice(0, 200);
    if (kind === 'BLACKLIST' || kind === 'WHITELIST') {
      const mobile = normalizeMobile(rawValue);
      if (mobile === null)
        invalid.push({ line: record.line, reason: 'not a mobile number (手机号码格式错误)' });
      else entries.push({ kind, mobile, note });
    } else if (kind === 'WORD') {
      if (rawValue === '' || rawValue.length > 50)
        invalid.push({ line: record.line, reason: 'a word of 1–50 characters (敏感词长度 1–50)' });
      else if (!(WORD_ACTIONS as readonly string[]).includes(action))
        invalid.push({ line: record.line, reason: `action ${WORD_ACTIONS.join('|')} (处理方式)` });
      else entries.push({ kind, word: rawValue, action: action as WordAction, note });
    } else invalid.push({ line: record.line, reason: 'kind BLACKLIST | WHITELIST | WORD (类型)' });
  }
  return { entries, invalid };
}
