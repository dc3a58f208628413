import { LwError } from '../shared/errors';

/** Global flags every command sees. */
export interface GlobalOptions {
  json: boolean;
  debug: boolean;
}

/** Exit codes are part of the CLI's public surface; the README documents them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  badInput: 3,
  project: 4,
  model: 5,
  interrupted: 130,
} as const;

export function exitCodeFor(e: unknown): number {
  if (!(e instanceof LwError)) return ExitCode.failure;
  switch (e.code) {
    case 'INVALID_ARGUMENT':
      return ExitCode.usage;
    case 'COCO_INVALID':
    case 'IMAGE_UNREADABLE':
    case 'IMAGE_TOO_LARGE':
      return ExitCode.badInput;
    case 'PROJECT_NEWER_VERSION':
    case 'PROJECT_NOT_LABELWRIGHT':
    case 'PROJECT_READ_ONLY':
    case 'PROJECT_BUSY':
    case 'DISK_FULL':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return ExitCode.project;
    case 'MODEL_PACK_INVALID':
    case 'MODEL_PACK_MISSING':
    case 'MODEL_DOWNLOAD_FAILED':
    case 'MODEL_LOAD_FAILED':
    case 'INFERENCE_FAILED':
      return ExitCode.model;
    case 'CANCELLED':
      return ExitCode.interrupted;
    default:
      return ExitCode.failure;
  }
}

/**
 * User text (names, paths, messages quoting them) as it may be printed to a terminal:
 * control characters (C0, DEL, C1: ANSI escape sequences among them) are shown as \xNN
 * escapes, so a category named "\x1b[2J" cannot clear the screen or fake output. The one
 * place human output makes user text safe; JSON output escapes them already.
 */
export function shown(text: string | number): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Prints a command's result: JSON on stdout for scripts, or the human text. */
export function emit(opts: GlobalOptions, data: unknown, human: () => string): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else {
    const text = human();
    // Human text quotes names and paths: control characters are escaped, line breaks kept.
    const safe = text.split('\n').map(shown).join('\n');
    if (safe) process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }
}

/** One line and a hint; the stack only with --debug. JSON mode reports on stdout too. */
export function reportError(opts: GlobalOptions, e: unknown): void {
  const payload =
    e instanceof LwError
      ? e.toPayload()
      : { code: 'INTERNAL' as const, message: e instanceof Error ? e.message : String(e), hint: 'Run again with --debug for details.' };
  if (opts.json) process.stdout.write(`${JSON.stringify({ error: payload }, null, 2)}\n`);
  process.stderr.write(`error: ${shown(firstLine(payload.message))}\n`);
  if (payload.hint) process.stderr.write(`hint: ${shown(payload.hint)}\n`);
  if (opts.debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Numbers and tables for human output. */
export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  // Cells are user text (category names, paths): shown escaped.
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, shown(c).length)));
  const fmt = (r: (string | number)[]) =>
    r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : shown(c).padEnd(widths[i]))).join('  ').trimEnd();
  const lines = all.map(fmt);
  if (header) lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}
