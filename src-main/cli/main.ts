import { Command, CommanderError, Help } from 'commander';
import type { Action } from './command';
import { COMMAND_MODULES, moduleFor } from './command-list';
import { ExitCode, exitCodeFor, reportError, type GlobalOptions } from './output';

/** The program with its global flags and no commands yet. */
export function createProgram(): Command {
  return new Command('labelwright')
    .description('Pre-label image folders with vision-language models, correct, and export COCO.')
    .option('--json', 'print machine-readable JSON on stdout', false)
    .option('--debug', 'print stack traces on errors', false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/**
 * Adds every command as a name and description only, for the help listing and for
 * "unknown command" suggestions, without loading any command module.
 */
export function listCommands(program: Command): void {
  const terms = new Map<string, string>();
  for (const m of COMMAND_MODULES)
    for (const c of m.commands) {
      program.command(c.name).description(c.description);
      terms.set(c.name, c.term);
    }
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
}

/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();

  let exitCode: number = ExitCode.ok;
  const globals = (): GlobalOptions => {
    const o = program.opts<{ json?: boolean; debug?: boolean }>();
    return { json: o.json === true, debug: o.debug === true || process.env.LABELWRIGHT_DEBUG === '1' };
  };
  const action: Action =
    (handler) =>
    async (...args) => {
      const opts = globals();
      try {
        const code = await handler(opts, ...args);
        exitCode = typeof code === 'number' ? code : ExitCode.ok;
      } catch (e) {
        reportError(opts, e);
        exitCode = exitCodeFor(e);
      }
    };

  // Only the module of the command being run is loaded: most of the start-up time of a
  // command is its imports (sharp, onnxruntime, better-sqlite3), and `--help` needs none.
  const wanted = moduleFor(argv);
  if (wanted) (await wanted.load()).register(program, action);
  else listCommands(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    reportError(globals(), e);
    return exitCodeFor(e);
  }
  return exitCode;
}
