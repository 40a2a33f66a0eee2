// @ts-check
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * Layers are folders (VS Code's rule, expressed with no-restricted-imports): the platform-free
 * core never sees Electron or the UI; pure domain code never sees Node; the renderer reaches the
 * services only through the contract.
 */
const electron = { name: 'electron', message: 'Only src/main and src/preload may import electron.' }
const browserOnly = 'This layer must run in a browser too: no Node modules here.'
const noNode = { group: ['node:*', 'better-sqlite3', 'kysely', 'pdfkit'], message: browserOnly }
const nodeBuiltins = ['fs', 'path', 'crypto', 'os', 'child_process', 'buffer'].map((name) => ({
  name,
  message: browserOnly,
}))

export default tseslint.config(
  {
    ignores: [
      'bench/_prof-*',
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.native/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name=/^(only|skip)$/]',
          message: 'No .only/.skip left behind.',
        },
      ],
    },
  },
  {
    files: ['src/core/**', 'src/contract/**', 'src/cli/**', 'src/server/**', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'Core code may not depend on a front end.',
            },
          ],
        },
      ],
    },
  },
  {
    // The shell's pure parts (src/main, src/preload) and the UI's components are unit-tested under Node.
    files: ['test/shell/**', 'test/renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron] }] },
  },
  {
    files: ['src/core/domain/**', 'src/core/verify/**', 'src/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, ...nodeBuiltins],
          patterns: [
            noNode,
            {
              group: ['**/db/**', '**/services/**', '**/node/**'],
              message: 'Pure layers may not import Node-bound code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, ...nodeBuiltins],
          patterns: [
            noNode,
            {
              group: [
                '**/core/db/**',
                '**/core/services/**',
                '**/core/node/**',
                '**/core/app*',
                '**/server/**',
                '**/cli/**',
              ],
              message: 'The renderer talks to the services only through the contract client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
)
