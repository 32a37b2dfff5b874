/**
 * The uplink text as stored and logged (docs/design.md §5: "the MO text of a command that carries a
 * password is stored and logged with the password masked"). The masker cannot rely on the text
 * being a well-formed command — a password is just as secret in `bd ＃ 2101… ＃ 802613`,
 * `BD2101…802613`, `我要BD：2101…：802613` or `QXBD#2101…#802613` — so it errs towards hiding:
 *
 * - A well-formed command without a password parameter (TD, QXFW, QXBD, CBXX, YLZHYE, LSGS,
 *   an extension) is kept as typed, unless a parameter does not look like what it should hold (an
 *   SSN parameter without the shape of an SSN, a name with a digit in it): then that parameter
 *   is masked.
 * - `BD` and `MMCZ`, well-formed or not: every parameter becomes `******` except one with the
 *   shape of an SSN (15 or 18 characters, valid or mistyped — support needs to see what was sent)
 *   where an SSN belongs. No service password has that shape: service-password.ts keeps passwords
 *   shorter than any SSN.
 * - Otherwise, where any run of Latin letters contains `BD` or `MMCZ` (other than the code
 *   `QXBD`) — a mistyped or buried command — the result is that code followed by every run of
 *   letters and digits after it, each `******` unless it has the shape of an SSN; what came before
 *   the code is dropped.
 * - A malformed command of another code keeps only what a well-formed one would, and masks
 *   parameters beyond the expected number (a password added out of habit: `CBXX#张三#802613`).
 * - Anything else (free text, survey answers) is kept as typed.
 *
 * Every masked value becomes exactly six stars, so neither its length nor its characters remain.
 */
import { isSsnShaped, maskName, maskSsn } from '../ssn.js';
import { toHalfWidth } from './normalise.js';
import { splitCommand, type ExtensionDefinition, type ParamKind, type SplitCommand } from './parse.js';

const MASK = '******';
const SECRET_CODES = /BD|MMCZ/i;

/** Whether a parameter may be shown: it holds what its position is meant to hold. */
function showable(split: SplitCommand, value: string, i: number): boolean {
  const spec = split.specs[i];
  if (spec === undefined) return false; // beyond the expected parameters
  switch (spec.kind) {
    case 'ssn':
      return isSsnShaped(value);
    case 'name':
      return !/\d/.test(value);
    case 'text':
      return true;
    case 'password':
      return false;
  }
}

function maskParams(text: string, split: SplitCommand): string {
  const shown = split.params.map((p, i) => (showable(split, p, i) ? p : MASK));
  return shown.every((p, i) => p === split.params[i]) ? text : [split.code, ...shown].join('#');
}

/** The first `BD`/`MMCZ` inside a run of letters that is not the code `QXBD`, and what follows it. */
function secretTail(half: string): { code: string; after: string } | null {
  for (const run of half.matchAll(/[A-Za-z]+/g)) {
    if (run[0].toUpperCase() === 'QXBD') continue;
    const found = SECRET_CODES.exec(run[0]);
    if (found) {
      const end = run.index + found.index + found[0].length;
      return { code: found[0].toUpperCase(), after: half.slice(end) };
    }
  }
  return null;
}

/** The text with every password hidden; `extensions` as given to the parser. */
export function maskCommandText(text: string, extensions: readonly ExtensionDefinition[] = []): string {
  const split = splitCommand(text, extensions);
  const carriesPassword = split?.specs.some((s) => s.kind === 'password') ?? false;
  if (split && (split.wellFormed || carriesPassword)) return maskParams(text, split);
  const secret = secretTail(toHalfWidth(text));
  if (secret) {
    const tokens = secret.after.split(/[^0-9A-Za-z]+/).filter((t) => t !== '');
    return [secret.code, ...tokens.map((t) => (isSsnShaped(t) ? t.toUpperCase() : MASK))].join('#');
  }
  return split ? maskParams(text, split) : text;
}

/**
 * A run of 15 or more digits (an SSN, valid, mistyped or cut short), with a trailing `X` if there
 * is one, masked like an SSN wherever it stands — glued to a code (`QXBD2101…`) included.
 */
export function maskDigitRuns(text: string): string {
  return text.replace(/\d{14,}[\dXx]?/g, (run) => (run.length >= 15 ? maskSsn(run) : run));
}

/** A parameter as kept at rest: what `maskCommandText` showed, with SSNs and names masked as replies show them. */
function maskStoredParam(value: string, kind: ParamKind | undefined): string {
  if (value === MASK || value === '') return value;
  switch (kind) {
    case 'ssn':
      return maskSsn(value);
    case 'name':
      // The last four of an SSN stand where a name may (CBXX#123X); they are what masks show anyway.
      return /^\d{3}[\dXx]$/.test(value) ? value : isSsnShaped(value) ? maskSsn(value) : maskName(value);
    case 'password':
      return MASK;
    case 'text':
    case undefined:
      return value;
  }
}

/**
 * The text of a citizen's command as it is stored (docs/data-protection.md): passwords hidden as
 * `maskCommandText` hides them, and beyond that every SSN masked (`2101**********123X`) and every
 * name parameter masked (`张*丰`), so no whole SSN, name or password is kept in a table, its WAL,
 * a backup or an export. The engine reads the original, sealed, until the command is answered.
 */
export function maskStoredCommandText(text: string, extensions: readonly ExtensionDefinition[] = []): string {
  const hidden = maskCommandText(text, extensions);
  const split = splitCommand(hidden, extensions);
  if (split) {
    const shown = split.params.map((p, i) => maskStoredParam(p, split.specs[i]?.kind));
    if (shown.some((p, i) => p !== split.params[i])) return maskDigitRuns([split.code, ...shown].join('#'));
  }
  return maskDigitRuns(hidden);
}
