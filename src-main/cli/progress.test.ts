import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress';

/** Runs `fn` with stderr claiming to be a TTY (or not) and returns what was written to it. */
function stderrDuring(isTTY: boolean, fn: () => void): string {
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  const columns = Object.getOwnPropertyDescriptor(process.stderr, 'columns');
  Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
  Object.defineProperty(process.stderr, 'columns', { value: 80, configurable: true });
  const chunks: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    write.mockRestore();
    for (const [key, d] of [['isTTY', tty], ['columns', columns]] as const)
      if (d) Object.defineProperty(process.stderr, key, d);
      else delete (process.stderr as unknown as Record<string, unknown>)[key];
  }
  return chunks.join('');
}

function run(opts: { enabled?: boolean } = {}): void {
  const bar = createProgress('Adding images', 0, opts);
  bar.setTotal(4);
  bar.update(1, 'a.jpg');
  bar.update(4, 'd.jpg');
  bar.finish('4 added');
}

describe('CLI progress bar', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws the bar and then the summary on a TTY', () => {
    const out = stderrDuring(true, () => run());
    expect(out).toContain('Adding images [');
    expect(out).toMatch(/\[#+-*\] \d\/4/);
    expect(out).toContain('Adding images: 4 added\n');
  });

  it('writes nothing on a pipe', () => {
    expect(stderrDuring(false, () => run())).toBe('');
  });

  it('writes nothing in --json mode, even on a TTY', () => {
    expect(stderrDuring(true, () => run({ enabled: false }))).toBe('');
  });

  it('keeps lines within the terminal width', () => {
    const out = stderrDuring(true, () => {
      const bar = createProgress('Job 1', 10);
      bar.update(3, 'x'.repeat(500));
      bar.finish('done');
    });
    // Split at the terminal's control sequences (escape codes) to get what is printed.
    // eslint-disable-next-line no-control-regex
    for (const line of out.split(/\r|\n|\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/)) expect(line.length).toBeLessThan(80);
  });
});
