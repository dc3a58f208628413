import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keyTableMarkdown } from '../src-renderer/src/editor/actions/key-table';

// The README's editor key table is the list the `?` overlay shows (one definition: the
// editor's actions), so a key that moves cannot leave the README behind.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('README', () => {
  it("has the editor's key table as the overlay lists it", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const m = /<!-- key-table:[^\n]*-->\n([\s\S]*?)<!-- \/key-table -->/.exec(readme);
    expect(m, 'README.md has no key table between the key-table markers').not.toBeNull();
    expect(m![1].trim(), 'README key table is stale: paste keyTableMarkdown() between the markers').toBe(
      keyTableMarkdown(),
    );
  });
});
