const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Package boundaries (docs/architecture.md): plugins build on the SDK and on other plugin packages'
// public exports, never on the engine; the SDK depends on no rtlab package; backends only on the SDK.
const DEEP_IMPORT = { group: ['@rtlab/*/*'], message: 'import a package by its name (its src/index.ts is its public API), not a file inside it' };
const restrict = (paths, patterns = []) => ['error', { paths, patterns: [DEEP_IMPORT, ...patterns] }];
const ENGINE = { name: '@rtlab/orchestrator', message: 'plugins never import the engine: everything a plugin needs is in @rtlab/sdk' };
const BACKENDS = { name: '@rtlab/backends', message: 'a plugin runs on the backend the engine chose; only its tests select one' };
const PLUGIN_SRC = ['packages/plugin-*/src/**/*.ts'];
const TESTS = ['**/*.spec.ts', '**/test-support/**'];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': restrict([]),
    },
  },
  { files: PLUGIN_SRC, ignores: TESTS, rules: { 'no-restricted-imports': restrict([ENGINE, BACKENDS]) } },
  { files: PLUGIN_SRC.map((g) => g.replace('**/*.ts', '**/*.spec.ts')).concat('packages/plugin-*/src/**/test-support/**'), rules: { 'no-restricted-imports': restrict([ENGINE]) } },
  { files: ['packages/sdk/src/**/*.ts'], rules: { 'no-restricted-imports': restrict([], [{ group: ['@rtlab/*'], message: 'the SDK depends on no other rtlab package' }]) } },
  { files: ['packages/backends/src/**/*.ts'], rules: { 'no-restricted-imports': restrict([ENGINE], [{ group: ['@rtlab/plugin-*'], message: 'backends know no plugin' }]) } },
);
