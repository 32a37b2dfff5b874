#!/usr/bin/env node
// Runs the suite with node:test through tsx. Node 20's --test takes no globs, so the files are
// listed here; arguments narrow the run to files whose path contains one of them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = collect('test')
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files match', filters.join(' '));
  process.exit(1);
}
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    // Two files at a time on the two cores CI has: most of a file's time is spent waiting on
    // sockets, databases and child processes (SMS12333_TEST_CONCURRENCY=1 runs them one by one).
    `--test-concurrency=${process.env.SMS12333_TEST_CONCURRENCY ?? '2'}`,
    '--test-timeout=600000',
    ...(flags.some((f) => f.startsWith('--test-reporter'))
      ? []
      : [
          '--test-reporter=tap',
          '--test-reporter-destination=stdout',
          `--test-reporter=${new URL('./file-times.mjs', import.meta.url).href}`,
          '--test-reporter-destination=stdout',
        ]),
    ...flags,
    ...files,
  ],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
