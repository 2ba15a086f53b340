const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Package boundaries (docs/architecture.md): plugins build on the SDK and on other plugin packages'
// public exports, never on the engine; the SDK depends on no rtlab package; backends only on the SDK.
// `@typescript-eslint/no-restricted-imports` also sees `import x = require(...)`; require() and
// import() calls are caught by `no-restricted-syntax`; relative paths into another package by pattern.
const DEEP_IMPORT = {
  group: ['@rtlab/*/*'],
  message: 'import a package by its name (its src/index.ts is its public API), not a file inside it',
};
const OTHER_PACKAGE = {
  group: ['**/orchestrator/**', '**/sdk/src/**', '**/backends/src/**', '**/plugin-*/src/**', '**/bench/src/**'],
  message: 'import another package by its name, not by a relative path into it',
};
const restrict = (paths, patterns = []) => ['error', { paths, patterns: [DEEP_IMPORT, ...patterns] }];
const ENGINE_MESSAGE = 'plugins never import the engine: everything a plugin needs is in @rtlab/sdk';
const ENGINE = { name: '@rtlab/orchestrator', message: ENGINE_MESSAGE };
const BACKENDS = {
  name: '@rtlab/backends',
  message: 'a plugin runs on the backend the engine chose; only its tests select one',
};
const NO_DYNAMIC_ENGINE = [
  'error',
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value=/^@rtlab\\u002Forchestrator/]",
    message: ENGINE_MESSAGE,
  },
  { selector: 'ImportExpression[source.value=/^@rtlab\\u002Forchestrator/]', message: ENGINE_MESSAGE },
];
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
      '@typescript-eslint/no-restricted-imports': restrict([]),
    },
  },
  { files: ['packages/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': restrict([], [OTHER_PACKAGE]) } },
  {
    files: PLUGIN_SRC,
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([ENGINE, BACKENDS], [OTHER_PACKAGE]),
      'no-restricted-syntax': NO_DYNAMIC_ENGINE,
    },
  },
  {
    files: PLUGIN_SRC.map((g) => g.replace('**/*.ts', '**/*.spec.ts')).concat(
      'packages/plugin-*/src/**/test-support/**',
    ),
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([ENGINE], [OTHER_PACKAGE]),
      'no-restricted-syntax': NO_DYNAMIC_ENGINE,
    },
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [],
        [OTHER_PACKAGE, { group: ['@rtlab/*'], message: 'the SDK depends on no other rtlab package' }],
      ),
    },
  },
  {
    files: ['packages/orchestrator/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [],
        [
          OTHER_PACKAGE,
          {
            group: ['@rtlab/plugin-*'],
            message:
              'the engine loads plugin packages by name at run time (plugins/load-plugin-modules.ts); it never imports them',
          },
        ],
      ),
    },
  },
  {
    // a run decides what to compute; how (threads, a queue) is a NodeRunner's business, chosen by the CLI
    files: ['packages/orchestrator/src/run/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [],
        [
          OTHER_PACKAGE,
          { group: ['@rtlab/plugin-*'], message: 'the engine never imports plugin packages' },
          {
            group: ['**/execute/queue/**'],
            message: 'run/ hands nodes to a NodeRunner (execute/node-runner.ts), never to the queue itself',
          },
        ],
      ),
    },
  },
  {
    files: ['packages/backends/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [ENGINE],
        [OTHER_PACKAGE, { group: ['@rtlab/plugin-*'], message: 'backends know no plugin' }],
      ),
    },
  },
);
