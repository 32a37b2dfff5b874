/** Small segment-data files for tests, in both layouts (docs/federation.md "Segment data"). */

export interface SegmentRow {
  prefix: string;
  province: string;
  city: string;
  carrier?: string;
}

export function segmentCsv(rows: readonly SegmentRow[], date = '2026-01-15'): string {
  return [
    `# date: ${date}`,
    'prefix,province,city,carrier',
    ...rows.map((r) => `${r.prefix},${r.province},${r.city},${r.carrier ?? ''}`),
    '',
  ].join('\n');
}

/** phone.dat: version, index offset, `省|市|邮编|区号\0` records, 9-byte index entries. */
export function phoneDat(
  version: string,
  entries: readonly { prefix: number; record: string; cardType: number }[],
): Buffer {
  const records: Buffer[] = [];
  const offsets = new Map<string, number>();
  let at = 8;
  for (const e of entries) {
    if (offsets.has(e.record)) continue;
    offsets.set(e.record, at);
    const b = Buffer.from(`${e.record}\0`, 'utf8');
    records.push(b);
    at += b.length;
  }
  const header = Buffer.alloc(8);
  header.write(version, 0, 'ascii');
  header.writeInt32LE(at, 4);
  const index = Buffer.alloc(entries.length * 9);
  entries.forEach((e, i) => {
    index.writeInt32LE(e.prefix, i * 9);
    index.writeInt32LE(offsets.get(e.record) ?? 0, i * 9 + 4);
    index.writeUInt8(e.cardType, i * 9 + 8);
  });
  return Buffer.concat([header, ...records, index]);
}
