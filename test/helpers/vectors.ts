/**
 * Protocol test vectors from public implementations' own tests (copied from the project's shared
 * protocol notes, each entry naming its source repository, path and commit).
 */
import { readFileSync } from 'node:fs';

export function loadVectors<T>(name: 'gsm7' | 'udh' | 'cmpp2' | 'cmpp3' | 'sgip' | 'smgp' | 'smpp34'): T[] {
  const vectors = JSON.parse(
    readFileSync(new URL(`../vectors/${name}.json`, import.meta.url), 'utf8'),
  ) as T[];
  if (vectors.length === 0) throw new Error(`test/vectors/${name}.json is empty`);
  return vectors;
}
