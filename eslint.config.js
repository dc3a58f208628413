// Lint enforces the layering in DESIGN.md: the renderer sees src-main/shared as types
// only; only the Electron shell, the preload and the IPC transport may import electron;
// src-main/shared imports nothing but zod.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electronOnly = {
  name: 'electron',
  message: 'Only src-main/app, src-main/preload and the IPC transport may import electron: everything else must run in plain Node.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'models/**', 'resources/**', 'test-results/**', '.tmp/**', '.scratch/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**', 'src-main/preload/**', 'src-main/transports/ipc*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
  {
    files: ['src-main/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [{ regex: '^(?!zod$|\\./)', message: 'src-main/shared is the wire contract: it may import only zod and its own modules.' }],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the main side only through the typed client.' }],
          patterns: [
            { regex: '^node:', message: 'The renderer runs sandboxed in a browser: no Node modules.' },
            {
              regex: 'src-main/(?!shared(/|$))',
              message: 'The renderer may import only src-main/shared, and only as types.',
            },
            {
              regex: 'src-main/shared(/|$)',
              allowTypeImports: true,
              message: 'The renderer may import src-main/shared only as types (import type ...).',
            },
          ],
        },
      ],
    },
  },
);
