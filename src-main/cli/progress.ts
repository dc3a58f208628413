import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr, drawn by cli-progress. It draws only on a TTY (cli-progress
 * does nothing on a pipe) and never in --json mode, so scripts and CI logs stay clean;
 * it redraws at most 10 times a second because terminal writes are far slower than the
 * work they report on.
 */
export interface Progress {
  update(done: number, detail?: string): void;
  setTotal(total: number): void;
  /** Replaces the bar with `label: summary`. */
  finish(summary?: string): void;
}

const { SingleBar, Format } = cliProgress;

/**
 * cli-progress re-arms a redraw timer while a bar runs. A command that fails before it
 * finishes its bar must still exit, so the timer must not hold the event loop open.
 */
class DetachedBar extends SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer: NodeJS.Timeout | null }).timer?.unref();
  }
}

const silent: Progress = { update() {}, setTotal() {}, finish() {} };

export function createProgress(label: string, total: number, opts: { enabled?: boolean } = {}): Progress {
  if (opts.enabled === false) return silent;
  const bar = new DetachedBar({
    stream: process.stderr,
    fps: 10,
    barsize: 28,
    barCompleteChar: '#',
    barIncompleteChar: '-',
    clearOnComplete: true,
    // Lines are cut to the terminal width below, so wrapping need not be switched off (a
    // failed command would leave the terminal without it).
    linewrap: true,
    // The ETA only once there is a rate to go by; the detail is cut to the terminal width.
    format: (options, params, payload: { detail?: string }) => {
      const eta =
        params.value > 0 && params.value < params.total && Number.isFinite(params.eta)
          ? ` eta ${Format.TimeFormat(params.eta, options, 1)}`
          : '';
      const line = `${label} [${Format.BarFormat(params.total > 0 ? params.progress : 0, options)}] ${params.value}/${params.total}${eta} ${payload.detail ?? ''}`;
      return line.slice(0, (process.stderr.columns ?? 100) - 1);
    },
  });
  bar.start(total, 0, { detail: '' });
  return {
    update(done, detail) {
      bar.update(done, detail === undefined ? {} : { detail });
    },
    setTotal(t) {
      bar.setTotal(t);
    },
    finish(summary) {
      bar.stop();
      // Only a bar that drew (on a TTY) leaves a summary; a pipe gets nothing.
      if (summary && process.stderr.isTTY) process.stderr.write(`${label}: ${summary}\n`);
    },
  };
}
