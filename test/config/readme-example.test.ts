/** The configuration example in the README is a valid configuration: the documentation cannot drift. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/load.js';

test('README: the YAML configuration example validates, with the values it shows', () => {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'a yaml block in README.md');
  const config = validateConfig(parse(block));
  assert.deepEqual(
    config.gateways.map((g) => g.protocol),
    ['cmpp3', 'sgip', 'smgp', 'smpp'],
  );
  assert.equal(config.console.port, 8081);
  assert.deepEqual(config.console.lockout, { failures: 5, windowMinutes: 15, lockMinutes: 30 });
  assert.equal(config.citizen.extensions.length, 3);
  assert.equal(config.sending.quietHours?.start, '21:00');
});
