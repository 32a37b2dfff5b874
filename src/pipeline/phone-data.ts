/**
 * The segment data in use (docs/federation.md "Segment data"): read from `phoneData.file` — or, when
 * none is configured, the bundled dataset — and read again when the file changes, without a
 * restart. A file that does not parse is refused with the line or offset named, and the data in
 * use stays.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import { carrierOf } from '../domain/phone.js';
import type { Carrier } from '../domain/carrier.js';
import { parsePhoneData, PROVINCES, type PhoneData, type ProvinceCode } from '../domain/phone-data.js';
import { AppError } from '../shared/errors.js';
import type { Config } from '../config/schema.js';

/** Shipped with the program: libphonenumber's Chinese geocoding data (see scripts/phone-segments.mjs). */
export const BUNDLED_PHONE_DATA = fileURLToPath(
  new URL('../../resources/phone-segments.csv.gz', import.meta.url),
);

/**
 * The segment data a configuration routes by — when a ministry link or a file the operator named
 * asks for it — else null. The platform watches it; a CLI command reads it once.
 */
export function phoneDataFor(
  config: Pick<Config, 'phoneData' | 'gateways'>,
  logger: Logger | null,
): PhoneDataSource | null {
  const needed =
    config.phoneData.file !== '' || config.gateways.some((g) => g.enabled && g.protocol === 'ministry');
  return needed
    ? new PhoneDataSource(config.phoneData.file || BUNDLED_PHONE_DATA, logger, config.phoneData.reloadMs)
    : null;
}

/** Parsed files by path, size and time: several platforms in one process (tests, the demo) share one copy. */
const parsedFiles = new Map<string, { stamp: string; data: PhoneData }>();

export function readPhoneDataFile(file: string): PhoneData {
  let bytes: Uint8Array;
  let mtime: Date;
  let stamp: string;
  try {
    const stat = statSync(file);
    mtime = stat.mtime;
    stamp = `${stat.size}:${stat.mtimeMs}`;
    const cached = parsedFiles.get(file);
    if (cached?.stamp === stamp) return cached.data;
    bytes = readFileSync(file);
  } catch (err) {
    throw new AppError('ERR_PHONE_DATA', `${file}: ${(err as Error).message}`, { cause: err });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new AppError('ERR_PHONE_DATA', `${file}: gzip ${(err as Error).message}`, { cause: err });
    }
  }
  const parsed = parsePhoneData(bytes, mtime.toISOString().slice(0, 10));
  if (!parsed.ok)
    throw new AppError('ERR_PHONE_DATA', `${file} ${parsed.error.where}: ${parsed.error.reason}`);
  parsedFiles.set(file, { stamp, data: parsed.data });
  return parsed.data;
}

function stampOf(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export interface HomeInfo {
  province: ProvinceCode;
  provinceName: string;
  city: string;
  carrier: Carrier | null;
}

export class PhoneDataSource {
  private data: PhoneData;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Size and time of the file last read (or refused), so a refused file is not read again each tick. */
  private seen: string;

  constructor(
    readonly file: string,
    private readonly logger: Logger | null,
    private readonly pollMs = 2000,
  ) {
    this.seen = stampOf(file);
    this.data = readPhoneDataFile(file);
  }

  /** Checks the file's size and time every `pollMs` (a file replaced by rename is seen as well). */
  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const stamp = stampOf(this.file);
      if (stamp === this.seen) return;
      this.seen = stamp;
      this.reload();
    }, this.pollMs);
    this.timer.unref();
  }

  /** Reads the file again; on failure keeps the data in use and remembers why. */
  reload(): boolean {
    try {
      this.data = readPhoneDataFile(this.file);
      this.lastError = null;
      this.logger?.info(
        { file: this.file, entries: this.data.entries, date: this.data.date },
        '号段数据已更新 segment data reloaded',
      );
      return true;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.logger?.error(
        { err },
        '号段数据有误，继续使用原数据 segment data refused, keeping the data in use',
      );
      return false;
    }
  }

  current(): PhoneData {
    return this.data;
  }

  /** What the console shows: the data's date, size, blocks covered and the last refusal. */
  describe(): {
    file: string;
    format: string;
    date: string;
    entries: number;
    blocks: string[];
    lastError: string | null;
  } {
    const d = this.data;
    return {
      file: this.file,
      format: d.format,
      date: d.date,
      entries: d.entries,
      blocks: d.blocks,
      lastError: this.lastError,
    };
  }

  /** Home province, city and carrier of a normalised 11-digit number, or null when the data has no entry. */
  lookup(mobile: string): HomeInfo | null {
    const hit = this.data.lookup(mobile);
    if (!hit) return null;
    return {
      province: hit.province,
      provinceName: PROVINCES[hit.province],
      city: hit.city,
      carrier: hit.carrier ?? carrierOf(mobile),
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
