import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appUserDataDir, modelsDirs, repoRoot } from './paths';

const userDir = path.resolve('/tmp/lw-user-models');
const savedEnv = process.env.LABELWRIGHT_MODELS;

beforeEach(() => {
  process.env.LABELWRIGHT_MODELS = userDir;
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env.LABELWRIGHT_MODELS;
  else process.env.LABELWRIGHT_MODELS = savedEnv;
});

describe('modelsDirs', () => {
  it('uses LABELWRIGHT_MODELS and the repo models folders', () => {
    const d = modelsDirs();
    expect(d.user).toBe(userDir);
    const root = repoRoot()!;
    expect(d.bundled).toContain(path.join(root, 'models'));
    expect(d.bundled).toContain(path.join(root, 'models', 'fixtures'));
  });

  it("defaults to Electron's userData/models", () => {
    delete process.env.LABELWRIGHT_MODELS;
    const d = modelsDirs();
    expect(d.user.endsWith(path.join('Labelwright', 'models'))).toBe(true);
  });
});

describe('appUserDataDir', () => {
  it("is LABELWRIGHT_USER_DATA when set, else Electron's default userData", () => {
    expect(appUserDataDir({ LABELWRIGHT_USER_DATA: 'rel/ud' })).toBe(path.resolve('rel/ud'));
    expect(appUserDataDir({}).endsWith('Labelwright')).toBe(true);
  });
});
