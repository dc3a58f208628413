/**
 * Where the app keeps things on this machine: its user-data folder, the model pack folders,
 * and the folder it runs from. Plain Node (no electron), so the CLI, the browser host and
 * tests find the same places as the Electron app.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Electron's default `userData` folder for the app, computed without importing electron. */
export function userDataDir(): string {
  const home = os.homedir();
  const name = 'Labelwright';
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', name);
    case 'win32':
      return path.join(process.env.APPDATA || path.join(home, 'AppData', 'Roaming'), name);
    default:
      return path.join(process.env.XDG_CONFIG_HOME || path.join(home, '.config'), name);
  }
}

/** `<userData>`: `LABELWRIGHT_USER_DATA` when set (tests, portable installs), else Electron's default. */
export function appUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LABELWRIGHT_USER_DATA ? path.resolve(env.LABELWRIGHT_USER_DATA) : userDataDir();
}

let cachedRepoRoot: string | null | undefined;

/**
 * The folder that holds the app's package.json, found by walking up from this module.
 * Works from the sources (src-main/platform) and from a bundle (out/main).
 */
export function repoRoot(): string | null {
  if (cachedRepoRoot !== undefined) return cachedRepoRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
        if (name === 'labelwright') return (cachedRepoRoot = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return (cachedRepoRoot = null);
    dir = up;
  }
}

/**
 * Where packs live. `user` is writable (downloads and imports go there); `bundled` are
 * shipped with the app and read-only: `<repo>/models`, `<repo>/models/fixtures`, and
 * `<resources>/models` when packaged. Earlier folders win when two hold the same id.
 */
export function modelsDirs(): { user: string; bundled: string[] } {
  const user = process.env.LABELWRIGHT_MODELS
    ? path.resolve(process.env.LABELWRIGHT_MODELS)
    : path.join(userDataDir(), 'models');
  const bundled: string[] = [];
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) bundled.push(path.join(resources, 'models'), path.join(resources, 'models', 'fixtures'));
  const root = repoRoot();
  if (root) bundled.push(path.join(root, 'models'), path.join(root, 'models', 'fixtures'));
  return { user, bundled: [...new Set(bundled)] };
}
