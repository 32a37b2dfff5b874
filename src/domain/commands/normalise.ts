/**
 * What a citizen types, before it is read as a command (§6.3.1, docs/design.md §5 Commands). §6.3.1 c
 * wants half-width codes, separators and parameters, and §6.3.1 a case-insensitive codes; phones
 * with a Chinese input method send `ＢＤ＃…`, add spaces, an ideographic space, a trailing `#` or
 * two. Normalising absorbs all of that and nothing else: a parameter keeps its case and its
 * characters (a name's `·` stays), only its width and surrounding spaces change.
 */

/** Full-width ASCII (U+FF01 `！` to U+FF5E `～`) is ASCII + 0xFEE0. */
const FULL_WIDTH = /[\uff01-\uff5e]/g;
/** Small and other number signs some input methods offer instead of `#`. */
const OTHER_NUMBER_SIGNS = /[\ufe5f]/g;
/** Zero-width characters pasted text carries: space, non-joiner, joiner, word joiner, BOM. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;

/** Full-width letters, digits and punctuation to ASCII, every kind of space to U+0020. */
export function toHalfWidth(text: string): string {
  return text
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(OTHER_NUMBER_SIGNS, '#')
    .replace(INVISIBLE, '')
    .replace(/\s/g, ' '); // \s covers U+3000 and the other Unicode spaces
}

/**
 * The command text in one spelling: half-width; spaces trimmed and runs of them made one; no
 * spaces around `#`; runs of `#` made one (no parameter can contain `#`, so `##` is always a
 * slip); no `#` at either end; the leading letters — the command code — upper-cased.
 *
 * `  ｂｄ ＃ 210…＃ Ab12 ＃＃` → `BD#210…#Ab12`. Without any `#` the spaces stay as the
 * separators they were meant to be (`bd 210… Ab12` → `BD 210… Ab12`); the parser reads them.
 */
export function normaliseCommandText(text: string): string {
  return toHalfWidth(text)
    .replace(/ +/g, ' ')
    .replace(/ ?#[# ]*/g, '#')
    .replace(/^[# ]+|[# ]+$/g, '')
    .replace(/^[A-Za-z]+/, (code) => code.toUpperCase());
}
