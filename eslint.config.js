// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The layer order (docs/design.md §3.1): each layer may import itself and the layers listed
 * for it, nothing else. A wrong-way import fails `npm run lint`.
 */
const LAYERS = {
  domain: [],
  shared: ['domain'],
  store: ['domain', 'shared'],
  protocols: ['domain', 'shared'],
  config: ['domain', 'shared', 'protocols'],
  security: ['domain', 'shared', 'store'],
  audit: ['domain', 'shared', 'store', 'security', 'config'],
  backend: ['domain', 'shared', 'store', 'security', 'config'],
  pipeline: ['domain', 'shared', 'store', 'protocols', 'config', 'security', 'audit'],
  citizen: ['domain', 'shared', 'store', 'protocols', 'config', 'security', 'audit', 'backend', 'pipeline'],
  interface: ['domain', 'shared', 'store', 'protocols', 'config', 'security', 'audit', 'pipeline', 'citizen'],
  contract: ['domain'],
  console: [
    'contract',
    'domain',
    'shared',
    'store',
    'protocols',
    'config',
    'security',
    'audit',
    'backend',
    'pipeline',
    'citizen',
  ],
  sftp: ['domain', 'shared', 'store', 'protocols', 'config', 'security', 'audit', 'pipeline', 'citizen'],
  web: ['domain', 'web', 'contract'],
  app: [
    'domain',
    'shared',
    'store',
    'protocols',
    'config',
    'security',
    'audit',
    'backend',
    'pipeline',
    'citizen',
    'interface',
    'console',
    'sftp',
  ],
  bench: [
    'domain',
    'shared',
    'store',
    'protocols',
    'config',
    'security',
    'audit',
    'backend',
    'pipeline',
    'citizen',
    'interface',
    'console',
    'sftp',
    'app',
  ],
  cli: [
    'domain',
    'shared',
    'store',
    'protocols',
    'config',
    'security',
    'audit',
    'backend',
    'pipeline',
    'citizen',
    'interface',
    'console',
    'sftp',
    'app',
    'bench',
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'data/',
      'bin/',
      'scripts/',
      'test-output/',
      '.tmp/',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'import/resolver': {
        typescript: {
          project: ['tsconfig.json', 'src/console/web/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        },
      },
      'boundaries/elements': [
        { type: 'web', pattern: 'src/console/web/**', partialMatch: false },
        { type: 'contract', pattern: 'src/console/contract/**', partialMatch: false },
        ...Object.keys(LAYERS)
          .filter((t) => t !== 'web' && t !== 'contract')
          .map((type) => ({ type, pattern: `src/${type}/**`, partialMatch: false })),
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(LAYERS).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
          })),
        },
      ],
    },
  },
  {
    // Only the store speaks SQL; elsewhere the query builder is a type at most.
    files: ['src/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: 'Only src/store talks to the database.' },
            { name: 'better-sqlite3', message: 'Only src/store talks to the database.' },
            {
              name: 'kysely',
              allowTypeImports: true,
              message: 'Only src/store builds queries; elsewhere import Kysely types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure domain never touches I/O (the layer rule above keeps it from other layers).
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'kysely', 'pg', 'better-sqlite3', 'fastify', 'pino'],
              message: 'src/domain is pure: no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
    },
  },
);
