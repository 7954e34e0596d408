// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.polycopy/',
      'bench/results/',
      'coverage/',
      'web/dist/',
      'web/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: false },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through src/config (loadConfig).',
        },
      ],
    },
  },
  {
    // The config module is the one place the platform reads the environment. Entry shims, tests
    // (which pass an environment to the processes they spawn) and benchmarks may read it.
    files: ['src/config/**', 'bin/**', 'test/**', 'vitest.config.ts', 'bench/**', 'web/vite.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Small functions and files (ARCHITECTURE.md, house rules): a long function is several steps
    // wanting names. Not the simulator (a performance-tuned matching engine and market model whose
    // hot loops stay whole on purpose) nor the migrations (applied history: never edited).
    files: ['src/**/*.ts'],
    ignores: ['src/simulator/**', 'src/db/migrations/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The one file still over 400 lines (issue 16 item 7, open): the live venue's order-result
    // mapping is to move out of the class. A warning until then, so it stays visible in the check.
    files: ['src/venue/polymarket/polymarket-venue.ts'],
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
);
