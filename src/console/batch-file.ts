/**
 * A batch file an operator uploads on the Send page: .xlsx (the first worksheet) or .csv (RFC 4180,
 * UTF-8 or, as Chinese Excel writes it, GB 18030). The first row names the columns: a `mobile`
 * column (手机号码 also accepted) and any number of variable columns whose values fill the
 * `{name}` placeholders of the text, row by row. Line numbers are the file's own, header = line 1.
 */
import ExcelJS from 'exceljs';
import { readCsv } from '../domain/csv.js';
import { consoleError } from './errors.js';

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

const MOBILE_HEADERS = new Set(['mobile', 'mobiles', 'phone', '手机', '手机号', '手机号码', '号码']);

export async function readBatchFile(fileName: string, base64: string): Promise<BatchFile> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw consoleError('SEND_BAD_FILE', '上传的文件为空');
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (/\.xlsx$/i.test(fileName) || isZip) {
    if (!isZip) throw consoleError('SEND_BAD_FILE', '文件扩展名为 .xlsx，但内容不是 Excel 工作簿');
    return fromTable(await xlsxLines(bytes));
  }
  if (/\.xls$/i.test(fileName))
    throw consoleError('SEND_BAD_FILE', '不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后上传');
  return fromTable(csvLines(decodeText(bytes)));
}

type TableLine = { line: number; cells: string[] } | { line: number; error: string };

function fromTable(lines: TableLine[]): BatchFile {
  const [header, ...body] = lines;
  if (header === undefined) throw consoleError('SEND_BAD_FILE', '文件没有内容');
  if ('error' in header)
    throw consoleError('SEND_BAD_FILE', `第 ${header.line} 行（表头）无法读取：${header.error}`);
  const names = header.cells.map((c) => c.trim());
  const mobileIndex = names.findIndex((n) => MOBILE_HEADERS.has(n.toLowerCase()));
  if (mobileIndex === -1)
    throw consoleError('SEND_BAD_FILE', '第 1 行（表头）须有 mobile（手机号码）列', { line: 1 });
  if (body.length > MAX_BATCH_ROWS)
    throw consoleError('SEND_BAD_FILE', `文件最多 ${MAX_BATCH_ROWS} 行，收到 ${body.length} 行`);
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
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function csvLines(text: string): TableLine[] {
  const out: TableLine[] = [];
  for (const record of readCsv(text)) {
    if (record.error !== undefined) out.push({ line: record.line, error: record.error });
    else out.push({ line: record.line, cells: record.fields });
  }
  return out;
}

async function xlsxLines(bytes: Buffer): Promise<TableLine[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own Buffer type; a Node Buffer is what it reads.
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw consoleError('SEND_BAD_FILE', `无法读取 Excel 文件：${(err as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw consoleError('SEND_BAD_FILE', 'Excel 文件没有工作表');
  const out: TableLine[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let col = 1; col <= row.cellCount; col += 1) cells.push(cellText(row.getCell(col)));
    out.push({ line: rowNumber, cells });
  });
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
