/**
 * Template variables: `{name}` or `${name}`, a name of ASCII letters, digits and `_` not starting
 * with a digit — the syntax the HTTP interface fills from `params` (src/domain/send-request.ts).
 * The console fills the same variables from a batch file's columns.
 */
const PLACEHOLDER = /\$?\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces each variable by what `value` gives for its name (the interface and the console differ on blanks). */
export function replacePlaceholders(text: string, value: (name: string, whole: string) => string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => value(name, whole));
}

/** The distinct variable names of a text, in order of first appearance. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/**
 * The text with its variables filled; `missing` names the variables without a value (an empty
 * value counts as missing: a notice with a blank where a name should be is not worth sending).
 */
export function fillPlaceholders(
  text: string,
  values: Readonly<Record<string, string | undefined>>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const filled = replacePlaceholders(text, (name, whole) => {
    const v = values[name];
    if (v === undefined || v.trim() === '') {
      if (!missing.includes(name)) missing.push(name);
      return whole;
    }
    return v;
  });
  return { text: filled, missing };
}
