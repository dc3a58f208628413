import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MAX = 10;

/** The recent-projects list, most recent first, persisted in `<userData>/recent.json` (platform/paths.ts: appUserDataDir). */
export class RecentProjects {
  readonly file: string;

  constructor(userData: string) {
    this.file = join(userData, 'recent.json');
  }

  /** Paths that still exist, most recent first. */
  list(): string[] {
    return this.read().filter((p) => existsSync(p));
  }

  add(path: string): string[] {
    const abs = resolve(path);
    const next = [abs, ...this.read().filter((p) => p !== abs)].slice(0, MAX);
    this.write(next);
    return next.filter((p) => existsSync(p));
  }

  private read(): string[] {
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      const list = Array.isArray(data) ? data : (data as { recent?: unknown })?.recent;
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  private write(list: string[]): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ recent: list }, null, 2));
      renameSync(tmp, this.file);
    } catch {
      // a read-only profile loses only the list
    }
  }
}
