import { resolve } from 'node:path';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { mergeShards } from '../../jobs/merge-shards';
import type { RegisterCommand } from '../command';
import { emit, ExitCode } from '../output';

export const register: RegisterCommand = (program, action) => {
  program
    .command('merge')
    .description('import the results of a work bundle’s shards into the project (safe to repeat, and while workers still run)')
    .argument('<project>', 'project file')
    .argument('<bundle>', 'the bundle folder (its results/ holds the shards’ files)')
    .action(
      action(async (opts, project: string, dir: string) => {
        const svc = ProjectService.open(resolve(project));
        try {
          const r = mergeShards(svc, dir);
          const refused = r.shards.filter((s) => s.refused);
          emit(opts, r, () => {
            const lines = [`Job ${r.jobId}: merged ${r.shards.length - refused.length} results file(s).`];
            for (const s of r.shards) {
              if (s.refused) continue;
              const extra = [s.already ? `${s.already} had an outcome already` : '', s.held ? `${s.held} held by a local worker` : '', s.edited ? `${s.edited} edited by a person (left pending)` : '']
                .filter(Boolean)
                .join(', ');
              lines.push(`  ${s.file}: ${s.imported} imported, ${s.failed} failed${extra ? `; ${extra}` : ''}`);
            }
            for (const s of refused) lines.push(`  refused: ${s.refused}`);
            const c = r.counts;
            lines.push(`Job ${r.jobId} now: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped, ${c.pending + c.running} to do, of ${c.total}.`);
            if (c.pending + c.running) lines.push(`Merge again when more shards finish, or run the same \`${r.mode}\` command here to finish the rest.`);
            return lines.join('\n');
          });
          if (refused.length)
            throw new LwError(
              'CONFLICT',
              refused.length === 1 ? refused[0].refused! : `${refused.length} results files were refused; the first: ${refused[0].refused}`,
              'Those shards were run for another bundle or with other packs or parameters: run them again from this bundle (`labelwright work`), or remove the files.',
            );
          return ExitCode.ok;
        } finally {
          svc.close();
        }
      }),
    );
};
