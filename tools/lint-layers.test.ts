import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The layering rules of DESIGN.md, checked through ESLint itself on snippets placed
// (virtually) at the paths where they would live.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return res.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('import direction', () => {
  it('lets the renderer import the common layer as code', async () => {
    expect(await restricted('src-renderer/src/x.ts', `import type { Category } from '../../src-main/shared/contract';\nexport type C = Category;\n`)).toEqual([]);
    expect(await restricted('src-renderer/src/x.ts', `import { Category } from '../../src-main/shared/contract';\nexport const c = Category;\n`)).toEqual([]);
    expect(await restricted('src-renderer/src/editor/x.ts', `import { encodeRle } from '../../../src-main/shared/masks';\nexport const e = encodeRle;\n`)).toEqual([]);
  });

  it('keeps the renderer away from main-side code, Node and electron', async () => {
    expect((await restricted('src-renderer/src/x.ts', `import type { ProjectDb } from '../../src-main/db/project-db';\nexport type P = ProjectDb;\n`)).join()).toMatch(/nothing else of src-main/);
    expect((await restricted('src-renderer/src/x.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`)).join()).toMatch(/no Node modules/);
    expect((await restricted('src-renderer/src/x.ts', `import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n`)).length).toBe(1);
  });

  it('lets renderer tests, and only them, use the test helpers in src-main/testing', async () => {
    const helper = `import { useServedImage } from '../../../src-main/testing/served-project';\nexport const u = useServedImage;\n`;
    expect(await restricted('src-renderer/src/editor/x.test.ts', helper)).toEqual([]);
    expect(await restricted('src-renderer/src/editor/x.test.tsx', helper)).toEqual([]);
    expect((await restricted('src-renderer/src/editor/x.ts', helper)).join()).toMatch(/nothing else of src-main/);
    // Tests still keep to shared and testing, and off electron.
    expect((await restricted('src-renderer/src/editor/x.test.ts', `import type { ProjectDb } from '../../../src-main/db/project-db';\nexport type P = ProjectDb;\n`)).join()).toMatch(/nothing else of src-main/);
    expect((await restricted('src-renderer/src/x.test.ts', `import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n`)).length).toBe(1);
  });

  it('allows electron only in the shell, the preload and the IPC transport', async () => {
    const code = `import { app } from 'electron';\nexport const a = app;\n`;
    expect(await restricted('src-main/app/main.ts', code)).toEqual([]);
    expect(await restricted('src-main/preload/index.ts', code)).toEqual([]);
    expect(await restricted('src-main/transports/ipc-server.ts', code)).toEqual([]);
    expect((await restricted('src-main/services/x.ts', code)).join()).toMatch(/plain Node/);
    expect((await restricted('src-main/inference/x.ts', code)).join()).toMatch(/plain Node/);
  });

  it('makes folders import one way: down the floors, never beside or above', async () => {
    const code = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;
    expect(await restricted('src-main/coco/export.ts', code('../services/project-service'))).toEqual([]);
    expect((await restricted('src-main/services/x.ts', code('../coco/export'))).join()).toMatch(/src-main\/services sits on floor 2/);
    expect((await restricted('src-main/services/deep/x.ts', code('../../jobs/runner'))).join()).toMatch(/lower floor/);
    expect((await restricted('src-main/db/x.ts', code('../services/images'))).join()).toMatch(/src-main\/db sits on floor 1/);
    expect((await restricted('src-main/jobs/x.ts', code('../coco/export'))).join()).toMatch(/lower floor/);
    expect(await restricted('src-main/jobs/x.ts', code('../inference/engine'))).toEqual([]);
    // A subfolder that shares a top-level folder's name is not mistaken for it.
    expect(await restricted('src-main/inference/glip/x.ts', code('../image/pipeline'))).toEqual([]);
    // Tests may reach across floors.
    expect(await restricted('src-main/services/x.test.ts', code('../coco/export'))).toEqual([]);
  });

  it('keeps the common layer free of anything but zod and itself', async () => {
    expect(await restricted('src-main/shared/x.ts', `import { z } from 'zod';\nimport { a } from './contract';\nexport const q = [z, a];\n`)).toEqual([]);
    expect((await restricted('src-main/shared/x.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`)).join()).toMatch(/only zod/);
    expect((await restricted('src-main/shared/x.ts', `import { ProjectDb } from '../db/project-db';\nexport const r = ProjectDb;\n`)).join()).toMatch(/only zod/);
    // A module one folder down may reach its siblings in shared/, but not climb out of it.
    expect(await restricted('src-main/shared/masks/x.ts', `import type { Rle } from '../contract';\nimport { a } from './rle';\nexport const q: [Rle?, unknown] = [undefined, a];\n`)).toEqual([]);
    expect((await restricted('src-main/shared/masks/x.ts', `import { ProjectDb } from '../../db/project-db';\nexport const r = ProjectDb;\n`)).join()).toMatch(/only zod/);
    expect((await restricted('src-main/shared/rpc/x.ts', `import sharp from 'sharp';\nexport const s = sharp;\n`)).join()).toMatch(/only zod/);
  });

  it('keeps Node and DOM globals out of the common layer, but not out of its tests', async () => {
    const [res] = await eslint.lintText(`export const b = Buffer.from('x');\nexport const d = document.title;\n`, { filePath: join(root, 'src-main/shared/masks/x.ts') });
    expect(res.messages.filter((m) => m.ruleId === 'no-restricted-globals').map((m) => m.message.split('.')[0])).toEqual(["Unexpected use of 'Buffer'", "Unexpected use of 'document'"]);
    expect(await restricted('src-main/shared/masks/x.test.ts', `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`)).toEqual([]);
  });
});
