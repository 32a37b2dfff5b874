/** Runs a CLI command in this process (a child costs seconds of start-up), its output captured. */
export async function runCaptured(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    out += String(chunk);
    return true;
  };
  process.stderr.write = (): boolean => true;
  try {
    return { code: await run(), out };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
