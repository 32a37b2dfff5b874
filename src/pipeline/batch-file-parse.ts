/**
 * Parsing a batch file (batch-file.ts) inside the worker thread: streaming, with the row cap and the
 * text cap checked while reading, so a workbook of millions of rows stops at the cap instead of
 * being inflated whole. The header names the columns: a `mobile` column (手机号码 also accepted)
 * and any number of variable columns. Line numbers are the file's own, header = line 1. Used by the
 * console's Send page and the SFTP batch interface (docs/sftp.md).
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { readCsv } from '../domain/csv.js';

/** A file that cannot be read as a whole: the reason, and the line when one is to blame. */
export class BatchFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'BatchFileError';
  }
}

function bad(message: string, line?: number): BatchFileError {
  return new BatchFileError(message, line);
}

export interface BatchRow {
  line: number;
  /** The mobile cell as written; normalised later with the pasted numbers' rules. */
  mobile: string;
  /** Variable columns of this row, by header name. */
  values: Record<string, string>;
}

export interface BatchFile {
  /** Variable columns (every header but the mobile one), in file order. */
  columns: string[];
  rows: BatchRow[];
  /** Rows that could not be read at all (a malformed CSV record). */
  problems: { line: number; reason: string }[];
}

/** Enough for a province-wide notice; bigger lists go through the SFTP batch interface. */
export const MAX_BATCH_ROWS = 100_000;

/** Cell text kept from one file, in UTF-16 units: 100,000 rows of a number and a few variables. */
export const MAX_BATCH_TEXT = 32 * 1024 * 1024;

const MOBILE_HEADERS = new Set(['mobile', 'mobiles', 'phone', '手机', '手机号', '手机号码', '号码']);

export async function parseBatchFile(fileName: string, bytes: Buffer): Promise<BatchFile> {
  if (bytes.length === 0) throw bad('上传的文件为空');
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(fileName) || isZip) {
    if (!isZip) throw bad('文件扩展名为 .xlsx，但内容不是 Excel 工作簿');
    return fromTable(await xlsxLines(bytes, new Caps()));
  }
  if (/\.xls$/i.test(fileName)) throw bad('不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后上传');
  return fromTable(csvLines(decodeText(bytes), new Caps()));
}

type TableLine = { line: number; cells: string[] } | { line: number; error: string };

/** Counts as the file is read and stops it at the first cap passed. */
class Caps {
  private lines = 0;
  private text = 0;

  line(cells: readonly string[]): void {
    this.lines += 1;
    // The header is line one: MAX_BATCH_ROWS rows come after it.
    if (this.lines > MAX_BATCH_ROWS + 1)
      throw bad(`文件最多 ${MAX_BATCH_ROWS} 行，读到第 ${MAX_BATCH_ROWS + 1} 行仍未结束`);
    for (const c of cells) this.text += c.length;
    if (this.text > MAX_BATCH_TEXT) throw bad(`文件内容超过 ${MAX_BATCH_TEXT / 1024 / 1024}M 字符`);
  }
}

function fromTable(lines: TableLine[]): BatchFile {
  const [header, ...body] = lines;
  if (header === undefined) throw bad('文件没有内容');
  if ('error' in header) throw bad(`第 ${header.line} 行（表头）无法读取：${header.error}`, header.line);
  const names = header.cells.map((c) => c.trim());
  const mobileIndex = names.findIndex((n) => MOBILE_HEADERS.has(n.toLowerCase()));
  if (mobileIndex === -1) throw bad('第 1 行（表头）须有 mobile（手机号码）列', 1);
  const columns = names.filter((n, i) => i !== mobileIndex && n !== '');
  const rows: BatchRow[] = [];
  const problems: BatchFile['problems'] = [];
  for (const entry of body) {
    if ('error' in entry) {
      problems.push({ line: entry.line, reason: entry.error });
      continue;
    }
    if (entry.cells.every((c) => c.trim() === '')) continue;
    const values: Record<string, string> = {};
    names.forEach((name, i) => {
      if (i !== mobileIndex && name !== '') values[name] = (entry.cells[i] ?? '').trim();
    });
    rows.push({ line: entry.line, mobile: (entry.cells[mobileIndex] ?? '').trim(), values });
  }
  return { columns, rows, problems };
}

function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel on a Chinese Windows saves "CSV" in the ANSI code page, GBK; GB 18030 is its superset.
    const text = new TextDecoder('gb18030').decode(bytes);
    if (text.includes('\uFFFD')) throw bad('文件编码既不是 UTF-8 也不是 GBK，请另存为 UTF-8 编码的 CSV');
    return text;
  }
}

function csvLines(text: string, caps: Caps): TableLine[] {
  const out: TableLine[] = [];
  for (const record of readCsv(text)) {
    caps.line(record.error !== undefined ? [] : record.fields);
    if (record.error !== undefined) out.push({ line: record.line, error: record.error });
    else out.push({ line: record.line, cells: record.fields });
  }
  return out;
}

async function xlsxLines(bytes: Buffer, caps: Caps): Promise<TableLine[]> {
  const out: TableLine[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets += 1;
      for await (const row of sheet) {
        if (!row.hasValues) continue;
        const cells: string[] = [];
        for (let col = 1; col <= row.cellCount; col += 1) cells.push(cellText(row.getCell(col)));
        caps.line(cells);
        out.push({ line: row.number, cells });
      }
      // The first worksheet only; the rest of the file is not read.
      break;
    }
  } catch (err) {
    if (err instanceof BatchFileError) throw err;
    throw bad(`无法读取 Excel 文件：${(err as Error).message}`);
  }
  if (sheets === 0) throw bad('Excel 文件没有工作表');
  return out;
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    // Excel dates carry no zone; exceljs reads them as UTC wall-clock.
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  if ('result' in v) {
    const r: unknown = v.result;
    if (r === undefined || r === null) return '';
    if (r instanceof Date) return r.toISOString().slice(0, 10);
    return typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean' ? String(r) : '';
  }
  return cell.text;
}
