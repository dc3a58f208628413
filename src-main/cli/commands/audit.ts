/**
 * `labelwright audit <project> --pack <uniter pack>`: the label audit as a job (the
 * pre-labeling machinery: resumable, claimed per image, progress, failures listed), and
 * `labelwright audit report <project>`: the flags it gives, most suspicious first.
 */
import { resolve } from 'node:path';
import type { AuditReport } from '../../shared/api';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { LocalJobService } from '../../jobs/local-job-service';
import { checkAuditPacks } from '../../jobs/plan-job';
import type { RegisterCommand } from '../command';
import { emit, ExitCode, table, type GlobalOptions } from '../output';
import { jobRequestFrom } from '../job-request-flags';
import { follow } from './prelabel';

const USAGE =
  'audit <project> --pack <uniter pack> [--images <glob> | --unlabeled] [--categories a,b] | audit report <project> [--limit N]';

interface AuditFlags {
  pack?: string[];
  images?: string;
  unlabeled?: boolean;
  categories?: string;
  limit?: string;
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('audit')
    .description(
      'audit labels with a uniter pack: score every category’s text on each image (resumable), or `audit report` the likely missing and doubtful labels',
    )
    // Commander puts the command's name first.
    .usage(USAGE.replace(/^audit /, ''))
    .argument('<project-or-report>', 'the project file to audit, or `report`')
    .argument('[project]', 'with `report`: the project file')
    .option(
      '--pack <id>',
      'the uniter pack that scores (one)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--images <which>', 'all (the default), unlabeled, or a glob over image paths')
    .option('--unlabeled', 'only images without annotations (the same as --images unlabeled)')
    .option(
      '--categories <names>',
      'comma-separated categories to score (created if missing; default: every category)',
    )
    .option('--limit <n>', 'report: show at most this many flags (the per-category summary counts them all)')
    .addHelpText(
      'after',
      [
        '',
        'Scores are UNITER’s raw rank_logit (its image–text match score; sigmoid(rank_logit) reads it as 0–1).',
        'A category is "likely missing" on an image when it scores at or above its threshold and has no',
        'annotation there (accepted or pending), "doubtful" when it is annotated but scores below it.',
        'Thresholds default to the pack manifest’s params.auditThreshold (0 when it gives none).',
        'Run the same command again to resume an interrupted audit (Ctrl+C pauses after the image in flight).',
      ].join('\n'),
    )
    .action(
      action(async (opts, first: string, second: string | undefined, flags: AuditFlags) => {
        if (first === 'report') {
          if (second === undefined)
            throw new LwError(
              'INVALID_ARGUMENT',
              'audit report needs <project>',
              `Usage: labelwright ${USAGE}`,
            );
          if (flags.pack || flags.images || flags.unlabeled || flags.categories)
            throw new LwError(
              'INVALID_ARGUMENT',
              'audit report takes only --limit (and --json)',
              'Run `labelwright audit <project> --pack <id>` first to score the images.',
            );
          return report(opts, second, parseLimit(flags.limit));
        }
        if (second !== undefined)
          throw new LwError(
            'INVALID_ARGUMENT',
            `unexpected argument "${second}"`,
            `Usage: labelwright ${USAGE}`,
          );
        if (flags.limit !== undefined)
          throw new LwError(
            'INVALID_ARGUMENT',
            '--limit goes with `audit report`',
            `Usage: labelwright ${USAGE}`,
          );
        return runAudit(opts, first, flags);
      }),
    );
};

async function runAudit(opts: GlobalOptions, project: string, flags: AuditFlags): Promise<number> {
  if (!flags.pack)
    throw new LwError(
      'INVALID_ARGUMENT',
      'audit needs --pack <uniter pack>',
      'e.g. `labelwright audit <project> --pack uniter-fixture`; `labelwright models list` shows the installed packs.',
    );
  if (flags.unlabeled && flags.images !== undefined)
    throw new LwError('INVALID_ARGUMENT', 'Use either --unlabeled or --images, not both');
  // The pack is checked before the project changes: --categories creates categories, and a refused audit leaves nothing behind.
  await checkAuditPacks(flags.pack);
  const svc = ProjectService.open(resolve(project));
  const jobs = new LocalJobService(svc);
  try {
    const { request, glob } = jobRequestFrom(
      svc,
      {
        pack: flags.pack,
        categories: flags.categories,
        images: flags.unlabeled ? 'unlabeled' : flags.images,
      },
      'audit',
    );
    const started = await jobs.start(request, { resumeSame: true, glob });
    const code = await follow(opts, jobs, started);
    if (!opts.json && code === ExitCode.ok)
      process.stdout.write(
        `See the likely missing and doubtful labels with \`labelwright audit report ${project}\`.\n`,
      );
    return code;
  } finally {
    await jobs.close();
    svc.close();
  }
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new LwError('INVALID_ARGUMENT', `--limit must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

/** The project's flags, most suspicious first (at most `limit`), and every category's threshold and counts. */
function report(opts: GlobalOptions, project: string, limit: number | undefined): void {
  const svc = ProjectService.open(resolve(project), { readonly: true });
  try {
    // Only the flags shown are read; each flag is one (image, category) pair, so the categories' counts add up to all of them.
    const r = svc.auditReport({ limit });
    const totalFlags = r.categories.reduce((n, c) => n + c.likelyMissing + c.doubtful, 0);
    emit(opts, { ...r, totalFlags }, () => reportText(r, totalFlags));
  } finally {
    svc.close();
  }
}

const logit = (x: number) => x.toFixed(2);

function reportText(r: AuditReport, totalFlags: number): string {
  const shown = r.flags;
  if (!r.scoredImages)
    return 'No audit scores yet. Run `labelwright audit <project> --pack <uniter pack>` first.';
  const lines = [
    `UNITER audit of ${r.scoredImages} scored image(s): ${totalFlags} flag(s), most suspicious first.`,
    'rank_logit is UNITER’s raw image–text match score (sigmoid(rank_logit) reads it as 0–1); thresholds are in the same units.',
    '',
  ];
  for (const f of shown)
    lines.push(
      f.kind === 'missing'
        ? `likely missing: ${f.name}  ${f.imageName}  rank_logit ${logit(f.rankLogit)} ≥ threshold ${logit(f.threshold)}`
        : `doubtful: ${f.name}  ${f.imageName}  rank_logit ${logit(f.rankLogit)} < threshold ${logit(f.threshold)}  (${f.annotations} annotation(s))`,
    );
  if (!totalFlags)
    lines.push('No flags: every scored label agrees with UNITER at the current thresholds.');
  if (shown.length < totalFlags)
    lines.push(`… and ${totalFlags - shown.length} more (raise --limit, or use --json).`);
  lines.push(
    '',
    'Per category:',
    table(
      r.categories.map((c) => [
        c.name,
        `${logit(c.threshold)} (${c.thresholdSource})`,
        c.scoredImages,
        c.likelyMissing,
        c.doubtful,
      ]),
      ['category', 'threshold', 'scored images', 'likely missing', 'doubtful'],
    ),
  );
  return lines.join('\n');
}
