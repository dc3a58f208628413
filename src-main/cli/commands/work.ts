import { ShardWorker, type WorkProgress } from '../../jobs/shard-worker';
import { LwError } from '../../shared/errors';
import type { RegisterCommand } from '../command';
import { emit, ExitCode } from '../output';
import { createProgress, type Progress } from '../progress';

interface WorkFlags {
  shard?: string;
  imagesRoot?: string;
  out?: string;
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('work')
    .description('run one shard of a work bundle and write its results file (resumable: run it again to continue)')
    .argument('<bundle>', 'the bundle folder `labelwright bundle` wrote')
    .option('--shard <i>', 'which shard (default: $JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it)')
    .option('--images-root <dir>', 'where the bundle’s image root is on this machine (default: where it was when bundled)')
    .option('--out <dir>', 'results folder (default: <bundle>/results)')
    .action(
      action(async (opts, dir: string, flags: WorkFlags) => {
        let shard: number | undefined;
        if (flags.shard !== undefined) {
          shard = Number(flags.shard);
          if (!/^\d+$/.test(flags.shard)) throw new LwError('INVALID_ARGUMENT', `--shard must be a whole number, got "${flags.shard}"`);
        }
        const worker = new ShardWorker({ dir, shard, imagesRoot: flags.imagesRoot, out: flags.out });
        let bar: Progress | null = null;
        const onProgress = (p: WorkProgress) => {
          bar ??= createProgress(`Shard ${p.shard}`, p.total, { enabled: !opts.json });
          bar.update(p.done, [p.failed ? `${p.failed} failed` : '', p.current?.split('/').pop() ?? ''].filter(Boolean).join('  '));
        };
        let interrupts = 0;
        const onSignal = () => {
          if (++interrupts > 1) process.exit(ExitCode.interrupted);
          process.stderr.write('\nStopping after the image in flight… (again to quit at once)\n');
          worker.requestStop();
        };
        // Kubernetes stops a pod with SIGTERM: finish the image in flight, keep what is done.
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const s = await worker.run(onProgress);
          (bar as Progress | null)?.finish(`${s.state}: ${s.done - s.failed} done, ${s.failed} failed of ${s.total}`);
          emit(opts, s, () => {
            const lines = [
              `Shard ${s.shard} ${s.state}: ${s.done} of ${s.total} image(s) have an outcome (${s.failed} failed here${s.resumedFrom ? `, ${s.resumedFrom} from an earlier run` : ''}); results in ${s.file}.`,
            ];
            for (const f of s.failures.slice(0, 20)) lines.push(`  failed: ${f.path}: ${f.error}`);
            if (s.failures.length > 20) lines.push(`  … and ${s.failures.length - 20} more`);
            if (s.state === 'paused') lines.push('Run the same command again to continue.');
            return lines.join('\n');
          });
          if (s.state === 'paused') return ExitCode.interrupted;
          return s.failed ? ExitCode.badInput : ExitCode.ok;
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
};
