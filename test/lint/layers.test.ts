/**
 * The layer order is a lint rule (README, "Architecture"): an import that points up the layers, a
 * query built outside the store, or I/O in the pure domain fails `npm run lint`. Each case plants a
 * real file in the tree, lints it with the project's own config, and removes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function lintPlanted(path: string, code: string): Promise<string[]> {
  writeFileSync(path, code);
  try {
    const [result] = await eslint.lintFiles([path]);
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
  } finally {
    rmSync(path, { force: true });
  }
}

test('a wrong-way import between layers fails lint', async () => {
  const messages = await lintPlanted(
    'src/pipeline/planted-wrong-way.ts',
    "import { buildConsole } from '../console/server.js';\nexport const planted = buildConsole;\n",
  );
  assert.ok(
    messages.some(
      (m) => m.startsWith('boundaries/dependencies') && m.includes('"pipeline"') && m.includes('"console"'),
    ),
    messages.join('\n'),
  );
});

test('the store cannot reach up to the composition root', async () => {
  const messages = await lintPlanted(
    'src/store/planted-wrong-way.ts',
    "import { startPlatform } from '../app/platform.js';\nexport const planted = startPlatform;\n",
  );
  assert.ok(
    messages.some((m) => m.startsWith('boundaries/dependencies')),
    messages.join('\n'),
  );
});

test('kysely outside the store is a type import or a lint error', async () => {
  const value = await lintPlanted(
    'src/citizen/planted-query.ts',
    "import { sql } from 'kysely';\nexport const planted = sql;\n",
  );
  assert.ok(
    value.some((m) => m.startsWith('no-restricted-imports')),
    value.join('\n'),
  );
  const typeOnly = await lintPlanted(
    'src/citizen/planted-type.ts',
    "import type { Kysely } from 'kysely';\nexport type Planted = Kysely<unknown>;\n",
  );
  assert.deepEqual(typeOnly, []);
});

test('the domain stays pure and imports no other layer', async () => {
  const io = await lintPlanted(
    'src/domain/planted-io.ts',
    "import { readFileSync } from 'node:fs';\nexport const planted = readFileSync;\n",
  );
  assert.ok(
    io.some((m) => m.startsWith('no-restricted-imports')),
    io.join('\n'),
  );
  const layer = await lintPlanted(
    'src/domain/planted-layer.ts',
    "import { AppError } from '../shared/errors.js';\nexport const planted = AppError;\n",
  );
  assert.ok(
    layer.some((m) => m.startsWith('boundaries/dependencies')),
    layer.join('\n'),
  );
});

test('an import down the layers passes', async () => {
  const messages = await lintPlanted(
    'src/interface/planted-right-way.ts',
    "import { normalizeMobile } from '../domain/phone.js';\nexport const planted = normalizeMobile;\n",
  );
  assert.deepEqual(messages, []);
});
