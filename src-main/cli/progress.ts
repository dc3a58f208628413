/**
 * A progress bar on stderr. It draws only on a TTY (and never in --json mode), so
 * scripts and CI logs stay clean; it redraws at most every 100 ms because terminal
 * writes are far slower than the work they report on.
 */
export interface Progress {
  update(done: number, detail?: string): void;
  setTotal(total: number): void;
  finish(summary?: string): void;
}

const BAR_WIDTH = 28;

export function createProgress(label: string, total: number, opts: { enabled?: boolean } = {}): Progress {
  const stream = process.stderr;
  const enabled = (opts.enabled ?? true) && stream.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  let current = 0;
  let text = '';

  const draw = (force: boolean): void => {
    if (!enabled) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const frac = total > 0 ? Math.min(1, current / total) : 0;
    const filled = Math.round(frac * BAR_WIDTH);
    const elapsed = (now - started) / 1000;
    const rate = elapsed > 0 ? current / elapsed : 0;
    const eta = rate > 0 && total > current ? ` eta ${formatSeconds((total - current) / rate)}` : '';
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${current}/${total}${eta} ${text}`;
    const width = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  };

  return {
    update(done, detail) {
      current = done;
      if (detail !== undefined) text = detail;
      draw(false);
    },
    setTotal(t) {
      total = t;
      draw(false);
    },
    finish(summary) {
      if (!enabled) return;
      draw(true);
      stream.write(summary ? `\r\x1b[2K${label}: ${summary}\n` : '\n');
    },
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
