import { resolve } from 'node:path';
import { Option } from 'commander';
import { ProjectService } from '../../services/project-service';
import { exportCoco } from '../../coco/export';
import { importCoco, type ImportFix } from '../../coco/import';
import { MAX_KEPT_CATEGORY_ID, type RemapReason } from '../../services/dataset-import';
import type { RegisterCommand } from '../command';
import { emit } from '../output';
import { createProgress } from '../progress';

interface ExportFlags {
  format: 'instances' | 'results';
  segmentation: 'rle' | 'polygon' | 'none';
  reviewedOnly?: boolean;
  includePending?: boolean;
  imageRoot?: string;
}

export const register: RegisterCommand = (program, action) => {
  const exp = program.command('export').description('export a project');
  exp
    .command('coco')
    .description('write COCO JSON (instances, or results with scores)')
    .argument('<project>', 'project file')
    .argument('<out>', 'output .json file')
    .addOption(new Option('--format <format>', 'instances or results (model predictions with scores)').choices(['instances', 'results']).default('instances'))
    .addOption(new Option('--segmentation <kind>', 'how masks are written').choices(['rle', 'polygon', 'none']).default('rle'))
    .option('--reviewed-only', 'only images marked reviewed')
    .option('--include-pending', 'also export model output that nobody accepted or rejected yet')
    .option('--image-root <folder>', 'file_name is relative to this folder (default: the images’ common folder)')
    .action(
      action(async (opts, project: string, out: string, flags: ExportFlags) => {
        const svc = ProjectService.open(resolve(project), { readonly: true });
        try {
          const bar = createProgress('Exporting', 0, { enabled: !opts.json });
          const s = await exportCoco(
            svc,
            out,
            {
              format: flags.format,
              segmentation: flags.segmentation,
              reviewedOnly: flags.reviewedOnly === true,
              include: flags.includePending ? 'pending' : 'accepted',
              imageRoot: flags.imageRoot,
            },
            (p) => {
              bar.setTotal(p.total);
              bar.update(p.done);
            },
          );
          bar.finish(`${s.annotations} annotations`);
          // Old projects may hold images marked reviewed with pending predictions: say what became of them.
          if (s.reviewedWithPending > 0 && s.reviewedWithPendingNote) process.stderr.write(`warning: ${s.reviewedWithPendingNote}\n`);
          emit(opts, s, () => `Wrote ${s.path}: ${s.images} images, ${s.annotations} ${s.format === 'results' ? 'results' : 'annotations'}, ${s.categories} categories (${(s.bytes / 1e6).toFixed(1)} MB)`);
        } finally {
          svc.close();
        }
      }),
    );

  const imp = program.command('import').description('import annotations into a project');
  imp
    .command('coco')
    .description('import a COCO instances file (all or nothing)')
    .argument('<project>', 'project file')
    .argument('<file>', 'COCO instances .json')
    .requiredOption('--images <root>', 'folder that file_name entries are relative to')
    .option('--again', 'import a file whose content this project imported before (its annotations are added a second time)')
    .action(
      action(async (opts, project: string, file: string, flags: { images: string; again?: boolean }) => {
        const svc = ProjectService.open(resolve(project));
        try {
          const bar = createProgress('Importing', 0, { enabled: !opts.json });
          const s = await importCoco(svc, resolve(file), resolve(flags.images), (p) => {
            bar.setTotal(p.total);
            bar.update(p.done, p.phase);
          }, { again: flags.again === true });
          bar.finish(`${s.annotations} annotations`);
          emit(opts, s, () => {
            const lines = [
              `Imported ${s.annotations} annotations on ${s.images.total} images (${s.images.added} new, ${s.images.matched} already in the project).`,
              `Categories: ${s.categories.created} created, ${s.categories.reused} matched by name.`,
            ];
            for (const m of s.categories.remapped)
              lines.push(`  category "${m.name}": id ${m.from} in the file is id ${m.to} in the project (${REMAP_TEXT[m.reason]})`);
            lines.push(...fixLines(s.fixed));
            return lines.join('\n');
          });
        } finally {
          svc.close();
        }
      }),
    );
};

const REMAP_TEXT: Record<RemapReason, string> = {
  name: 'a category of that name exists',
  taken: 'another category holds that id',
  'too-large': `ids above ${MAX_KEPT_CATEGORY_ID} get a fresh one`,
};

/** Shown in full up to this many; --json lists every one. */
const FIXES_SHOWN = 20;

const FIX_TEXT: Record<ImportFix['reason'], string> = {
  'mask-box': "contradicted its segmentation: stored the mask's box",
  'empty-mask': 'the segmentation covers no pixel: stored the box alone',
  clipped: 'stuck out of the image: clipped to it',
};

function fixLines(fixed: ImportFix[]): string[] {
  if (!fixed.length) return [];
  const box = (b: number[]) => `[${b.join(', ')}]`;
  const lines = [`Stored ${fixed.length} annotation${fixed.length === 1 ? '' : 's'} otherwise than the file says:`];
  for (const f of fixed.slice(0, FIXES_SHOWN)) lines.push(`  ${f.path} (id ${f.id}): ${box(f.from)} → ${box(f.to)}: ${FIX_TEXT[f.reason]}`);
  if (fixed.length > FIXES_SHOWN) lines.push(`  … and ${fixed.length - FIXES_SHOWN} more (--json lists every one)`);
  return lines;
}
