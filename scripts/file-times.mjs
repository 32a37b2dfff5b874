// A node:test reporter that prints, at the end, the slowest test files and the total: what to
// look at first when the suite nears its time budget (.ci/run must stay under 30 minutes).
export default async function* fileTimes(source) {
  const perFile = new Map();
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      const file = event.data.file ?? '?';
      perFile.set(file, (perFile.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...perFile].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
  yield `\n# test files by time (${rows.length} files, ${(total / 1000).toFixed(0)} s summed)\n`;
  for (const [file, ms] of rows.slice(0, 25))
    yield `#   ${(ms / 1000).toFixed(1).padStart(7)} s  ${file.replace(process.cwd() + '/', '')}\n`;
}
