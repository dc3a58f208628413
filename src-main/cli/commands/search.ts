/**
 * `labelwright search <project> "<text>" --pack <uniter pack> [--limit N] [--json]`: ranks the
 * project's images by UNITER's match score for the text. Region features are cached per image
 * content next to the project (`<project>.uniter-cache/`), so a repeated search runs only the
 * ITM passes. Progress on stderr; Ctrl+C cancels (exit 130), keeping what was cached.
 */
import { resolve } from 'node:path';
import { LwError } from '../../shared/errors';
import type { RegisterCommand } from '../command';
import { emit, ExitCode } from '../output';
import { createProgress } from '../progress';

interface SearchOptions {
  pack: string;
  limit: string;
  cacheMb?: string;
}

function positiveInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new LwError('INVALID_ARGUMENT', `${flag} ${v} is not a positive integer`);
  return Number(v);
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('search')
    .description('rank a project’s images by how well they match a text (uniter packs; region features are cached next to the project)')
    .argument('<project>', 'project file')
    .argument('<text>', 'what to look for, e.g. "a dog on a skateboard"')
    .requiredOption('-p, --pack <id>', 'a uniter pack id or folder')
    .option('-n, --limit <n>', 'how many images to list', '20')
    .option('--cache-mb <n>', 'size cap of the feature cache in MB (least recently used files go first)', '2048')
    .action(
      action(async (opts, project: string, text: string, cmdOpts: SearchOptions) => {
        const limit = positiveInt('--limit', cmdOpts.limit);
        const capBytes = positiveInt('--cache-mb', cmdOpts.cacheMb ?? '2048') * 1024 * 1024;
        if (!text.trim()) throw new LwError('INVALID_ARGUMENT', 'The search text is empty', 'Give what to look for, e.g. "a red square".');
        const projectPath = resolve(project);
        const { ProjectService } = await import('../../services/project-service');
        const svc = ProjectService.open(projectPath, { readonly: true });
        let images;
        try {
          images = svc.listImages().map((r) => ({ id: r.id, hash: r.hash, path: svc.imageFile(r.id)?.path ?? r.path }));
        } finally {
          svc.close();
        }
        const { packSha256 } = await import('../../inference/packs/index');
        const { findUniterPack } = await import('../../inference/uniter/find-pack');
        const pack = await findUniterPack(cmdOpts.pack);
        const { resolvePack, sharedSessionPool } = await import('../../inference/engine');
        const { createUniterScorer } = await import('../../inference/uniter/scorer');
        const { RegionFeatureCache, cacheDirFor } = await import('../../inference/uniter/feature-cache');
        const { rankImages } = await import('../../inference/uniter/rank-images');
        const cache = new RegionFeatureCache(cacheDirFor(projectPath, await packSha256(pack)), capBytes);
        const scorer = await createUniterScorer(await resolvePack(pack), sharedSessionPool());
        if (scorer.tokenizerWarning) process.stderr.write(`warning: ${scorer.tokenizerWarning}\n`);
        const ac = new AbortController();
        const onSigint = () => {
          if (ac.signal.aborted) process.exit(ExitCode.interrupted);
          process.stderr.write('\nCancelling after the image in flight… (Ctrl+C again to quit at once)\n');
          ac.abort();
        };
        process.on('SIGINT', onSigint);
        const bar = createProgress('Searching', images.length, { enabled: !opts.json });
        let result;
        try {
          result = await rankImages(scorer, cache, images, text, {
            signal: ac.signal,
            onProgress: (done, current) => bar.update(done, current.split(/[\\/]/).pop() ?? ''),
          });
        } finally {
          process.off('SIGINT', onSigint);
          await scorer.dispose();
        }
        bar.finish(`${images.length} image(s): ${result.regionRuns} ran the regions graph, ${images.length - result.regionRuns - result.failures.length} from the cache`);
        const top = result.ranked.slice(0, limit);
        emit(
          opts,
          {
            pack: pack.manifest.id,
            text,
            searched: images.length,
            ranked: top,
            regionRuns: result.regionRuns,
            /** Images whose regions came from the feature cache (no regions graph run). */
            cachedRegions: cache.stats.hits,
            itmRuns: result.itmRuns,
            cache: { dir: cache.dir, ...cache.stats },
            failures: result.failures,
            warnings: scorer.tokenizerWarning ? [scorer.tokenizerWarning] : [],
          },
          () => {
            const lines = [`"${text}" over ${images.length} image(s) with ${pack.manifest.id} (score: raw rank_logit; sigmoid(rank_logit) beside it):`];
            top.forEach((r, i) => lines.push(`${String(i + 1).padStart(3)}. ${r.rankLogit.toFixed(3).padStart(8)}  ${r.sigmoidOfRankLogit.toFixed(3)}  ${r.path}`));
            lines.push(`regions graph run on ${result.regionRuns} image(s), ${cache.stats.hits} from the cache (${cache.dir})`);
            for (const f of result.failures.slice(0, 20)) lines.push(`  failed: ${f.path}: ${f.error}`);
            if (result.failures.length > 20) lines.push(`  … and ${result.failures.length - 20} more (--json lists them all)`);
            return lines.join('\n');
          },
        );
      }),
    );
};
