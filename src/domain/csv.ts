/**
 * CSV as RFC 4180 writes it, read record by record: fields separated by `,`, records by CRLF or
 * LF; a field in double quotes may hold commas, line breaks and doubled quotes (`""`). A leading
 * UTF-8 byte-order mark is dropped; empty lines are skipped. A malformed record (a quote inside an
 * unquoted field, text after a closing quote, a quote never closed) is reported with its line and
 * the reader goes on with the next line, so every bad record of a file can be listed.
 */

export type CsvRecord =
  { line: number; fields: string[]; error?: undefined } | { line: number; fields?: undefined; error: string };

/** Records of `text`; `line` is the 1-based line where the record starts. */
export function* readCsv(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    let field = '';
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      if (text[i] === '"') {
        i += 1;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q === -1) break;
          const chunk = text.slice(i, q);
          field += chunk;
          line += countBreaks(chunk);
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            closed = true;
            break;
          }
        }
        if (!closed) {
          yield { line: start, error: 'quoted field never closed (引号未闭合)' };
          return;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          error = `text after a closing quote in field ${fields.length + 1} (引号后有多余字符)`;
        }
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j += 1;
        field = text.slice(i, j);
        if (field.includes('"'))
          error = `quote inside unquoted field ${fields.length + 1} (未加引号的字段含引号)`;
        i = j;
      }
      if (error !== null) break;
      fields.push(field);
      field = '';
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (error !== null) {
      // Skip to the end of this physical line and go on.
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i += 1;
    }
    if (text[i] === '\r') i += 1;
    if (text[i] === '\n') i += 1;
    line += 1;
    if (error !== null) yield { line: start, error };
    else if (!(fields.length === 1 && fields[0] === '')) yield { line: start, fields };
  }
}

function countBreaks(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k += 1) {
    const c = s[k];
    if (c === '\n') count += 1;
    else if (c === '\r' && s[k + 1] !== '\n') count += 1;
  }
  return count;
}

/** One field as RFC 4180 wants it: quoted when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(',');
}

/**
 * A field for a file people open in a spreadsheet: a value starting with = + - @ (or a tab or
 * carriage return) would run as a formula there (CSV injection), so it gets a leading `'`.
 */
export function spreadsheetField(value: string): string {
  return csvField(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
}

export function spreadsheetLine(values: readonly string[]): string {
  return values.map(spreadsheetField).join(',');
}
