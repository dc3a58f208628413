import { Command, CommanderError } from 'commander';
import type { Action, RegisterCommand } from './command';
import { ExitCode, exitCodeFor, reportError, type GlobalOptions } from './output';

const commandModules: (() => Promise<{ register: RegisterCommand }>)[] = [
  () => import('./commands/project'),
  () => import('./commands/categories'),
  () => import('./commands/coco'),
  () => import('./commands/models'),
  () => import('./commands/predict'),
  () => import('./commands/prelabel'),
  () => import('./commands/jobs'),
];


/** Runs the CLI and returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('labelwright');
  program
    .description('Pre-label image folders with vision-language models, correct, and export COCO.')
    .option('--json', 'print machine-readable JSON on stdout', false)
    .option('--debug', 'print stack traces on errors', false)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

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

  for (const load of commandModules) (await load()).register(program, action);

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
