/**
 * The sensitive-word matcher (docs/design.md §5 "block, or hold for review"; §8.2 filter rules). Pure.
 *
 * Text and words are normalised the same way, one character at a time: NFKC (full-width letters,
 * digits and punctuation become half-width), lower case, and spaces, punctuation and symbols are
 * dropped — so `赌 博`, `赌-博` and `ＡＢＣ` match the words `赌博` and `abc`. Every listed word is
 * then found in one pass over the text (Aho–Corasick), each hit with its place in the original text
 * for highlighting.
 */

export const WORD_ACTIONS = ['block', 'review'] as const;
export type WordAction = (typeof WORD_ACTIONS)[number];

export interface WordEntry {
  word: string;
  action: WordAction;
}

export interface WordHit {
  /** The listed word as entered. */
  word: string;
  action: WordAction;
  /** UTF-16 range in the original text, end exclusive. */
  start: number;
  end: number;
}

/** The distinct words hit, by action; `block` wins over `review`. */
export interface WordVerdict {
  block: string[];
  review: string[];
}

// Spaces, punctuation, symbols, controls and format characters (zero-width joiners…) slip between
// characters without changing what a reader sees.
const IGNORED = /^[\p{Z}\p{P}\p{S}\p{Cc}\p{Cf}]$/u;

/** One original character's normalised form: '' when it is ignored. */
function normaliseChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x80) {
    if ((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a)) return ch;
    if (code >= 0x41 && code <= 0x5a) return String.fromCharCode(code + 32);
    return '';
  }
  // CJK unified ideographs are their own NFKC form: the common case, kept fast.
  if (code >= 0x4e00 && code <= 0x9fff) return ch;
  let out = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) if (!IGNORED.test(c)) out += c;
  return out;
}

/** The normalised form of a word or text (what matching compares). */
export function normaliseWord(text: string): string {
  let out = '';
  for (const ch of text) out += normaliseChar(ch);
  return out;
}

interface Node {
  next: Map<string, number>;
  fail: number;
  /** Indexes into the entries of words ending here (own and via fail links). */
  out: number[];
  /** Characters from the root. */
  depth: number;
}

export interface WordMatcher {
  readonly size: number;
  /** Every occurrence of every listed word in `text`, in order of their end. */
  find(text: string): WordHit[];
  verdict(text: string): WordVerdict;
}

/** Builds the automaton; words whose normalised form is empty are left out. */
export function compileWords(entries: readonly WordEntry[]): WordMatcher {
  const nodes: Node[] = [{ next: new Map(), fail: 0, out: [], depth: 0 }];
  const kept: WordEntry[] = [];
  /** Normalised length (characters) of each kept word. */
  const lengths: number[] = [];
  for (const entry of entries) {
    const norm = normaliseWord(entry.word);
    if (norm === '') continue;
    let at = 0;
    for (const c of norm) {
      let to = nodes[at]?.next.get(c);
      if (to === undefined) {
        to = nodes.length;
        nodes.push({ next: new Map(), fail: 0, out: [], depth: (nodes[at]?.depth ?? 0) + 1 });
        nodes[at]?.next.set(c, to);
      }
      at = to;
    }
    nodes[at]?.out.push(kept.length);
    kept.push(entry);
    lengths.push(nodes[at]?.depth ?? 0);
  }
  // Breadth-first fail links.
  const queue: number[] = [...(nodes[0]?.next.values() ?? [])];
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q] ?? 0;
    const node = nodes[id];
    if (!node) continue;
    for (const [c, child] of node.next) {
      let f = node.fail;
      while (f !== 0 && !nodes[f]?.next.has(c)) f = nodes[f]?.fail ?? 0;
      const target = nodes[f]?.next.get(c);
      const childNode = nodes[child];
      if (!childNode) continue;
      childNode.fail = target !== undefined && target !== child ? target : 0;
      childNode.out.push(...(nodes[childNode.fail]?.out ?? []));
      queue.push(child);
    }
  }

  const find = (text: string): WordHit[] => {
    const hits: WordHit[] = [];
    if (kept.length === 0) return hits;
    // Start offset (in the original text) of each normalised character seen so far.
    const starts: number[] = [];
    let state = 0;
    let offset = 0;
    for (const ch of text) {
      const from = offset;
      offset += ch.length;
      for (const c of normaliseChar(ch)) {
        starts.push(from);
        let next = nodes[state]?.next.get(c);
        while (next === undefined && state !== 0) {
          state = nodes[state]?.fail ?? 0;
          next = nodes[state]?.next.get(c);
        }
        state = next ?? 0;
        const node = nodes[state];
        if (!node) continue;
        for (const i of node.out) {
          const entry = kept[i];
          if (!entry) continue;
          const start = starts[starts.length - (lengths[i] ?? 1)] ?? from;
          hits.push({ word: entry.word, action: entry.action, start, end: offset });
        }
      }
    }
    return hits;
  };

  return {
    size: kept.length,
    find,
    verdict(text) {
      const block = new Set<string>();
      const review = new Set<string>();
      for (const hit of find(text)) (hit.action === 'block' ? block : review).add(hit.word);
      return { block: [...block], review: [...review].filter((w) => !block.has(w)) };
    },
  };
}

/** The words of pasted text: one a line (or separated by commas or semicolons), trimmed, once each. */
export function pastedWords(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\r\n,，;；]+/)
        .map((w) => w.trim())
        .filter((w) => w !== ''),
    ),
  ];
}
