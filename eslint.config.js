// Lint enforces the layering in DESIGN.md: the renderer imports src-main/shared (the common
// layer) as code and nothing else of src-main; only the Electron shell, the preload and the IPC transport may import electron;
// src-main/shared imports nothing but zod.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electronOnly = {
  name: 'electron',
  message: 'Only src-main/app, src-main/preload and the IPC transport may import electron: everything else must run in plain Node.',
};

// The floors of src-main, from the common layer (0) up to the surfaces. Imports go down only.
const FLOORS = {
  shared: 0,
  db: 1,
  image: 1,
  platform: 1,
  services: 2,
  inference: 2,
  transports: 2,
  coco: 3,
  jobs: 3,
  cli: 4,
  app: 4,
  preload: 4,
  testing: 5,
};
const ELECTRON_FOLDERS = ['app', 'preload'];

// Globals that tie code to Node or to the DOM; the common layer must run without both.
const sharedForbiddenGlobals = ['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate', 'window', 'document', 'navigator', 'localStorage', 'HTMLElement'].map(
  (name) => ({ name, message: 'src-main/shared runs in Node, the renderer and workers alike: no Node or DOM globals.' }),
);

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
  // Folders of src-main import one way, from the surfaces down to the common layer: a folder
  // may import only folders on a lower floor (never one beside it or above it), so no import
  // loops form between folders. Tests (*.test.ts) may reach anything.
  ...Object.entries(FLOORS).flatMap(([folder, floor]) =>
    [1, 2, 3].map((depth) => {
      const above = Object.keys(FLOORS).filter((f) => f !== folder && FLOORS[f] >= floor);
      const electron = ELECTRON_FOLDERS.includes(folder) ? [] : [electronOnly];
      return {
        files: [`src-main/${folder}/${'*/'.repeat(depth - 1)}*.{ts,mts,mjs}`],
        ignores: ['src-main/**/*.test.ts', 'src-main/transports/ipc*.ts'],
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            {
              paths: electron,
              patterns: [
                {
                  regex: `^(\\.\\./){${depth}}(${above.join('|')})(/|$)`,
                  message: `src-main/${folder} sits on floor ${floor}: it may import only folders on a lower floor (see FLOORS in eslint.config.js).`,
                },
              ],
            },
          ],
        },
      };
    }),
  ),
  // src-main/shared is the common layer: pure TypeScript that runs in Node, in the renderer
  // and in workers. It may import zod and its own modules (never a path that climbs out of
  // shared/), and may not touch Node or DOM globals. Its tests may use Node and testing/.
  ...[0, 1, 2].map((depth) => ({
    files: [`src-main/shared/${'*/'.repeat(depth)}*.ts`],
    ignores: ['src-main/shared/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              regex: depth === 0 ? '^(?!zod$|\\./)' : `^(?!zod$|\\./|(\\.\\./){1,${depth}}(?!\\.\\./))`,
              message: 'src-main/shared is the common layer: it may import only zod and its own modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...sharedForbiddenGlobals],
    },
  })),
  ...[false, true].map((tests) => ({
    files: tests ? ['src-renderer/**/*.test.{ts,tsx}'] : ['src-renderer/**/*.{ts,tsx}'],
    ignores: tests ? [] : ['src-renderer/**/*.test.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the main side only through the typed client.' }],
          patterns: [
            { regex: '^node:', message: 'The renderer runs sandboxed in a browser: no Node modules.' },
            // Renderer tests run in Node against the real services, served by the helpers in
            // src-main/testing; production renderer code may not reach them.
            {
              regex: tests ? 'src-main/(?!(shared|testing)(/|$))' : 'src-main/(?!shared(/|$))',
              message: tests
                ? 'Renderer tests may import src-main/shared and the test helpers in src-main/testing, nothing else of src-main.'
                : 'The renderer may import src-main/shared (the common layer) and nothing else of src-main.',
            },
          ],
        },
      ],
    },
  })),
);
