import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReviewStatus, type AddImagesResult } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import type { RegisterCommand } from '../command';
import { emit, ExitCode, shown, table } from '../output';
import { createProgress } from '../progress';

export const register: RegisterCommand = (program, action) => {
  program
    .command('init')
    .description('create a new project file')
    .argument('<project>', 'path of the project file to create, e.g. birds.lw')
    .action(
      action(async (opts, project: string) => {
        const path = resolve(project);
        if (existsSync(path)) throw new LwError('CONFLICT', `${path} already exists`, 'Choose another name, or use the existing project.');
        const svc = ProjectService.create(path);
        const stats = svc.stats();
        svc.close();
        emit(opts, { project: path, schemaVersion: stats.schemaVersion }, () => `Created ${path}`);
      }),
    );

  program
    .command('add')
    .description('add every image under a folder (recursively) to a project')
    .argument('<project>', 'project file')
    .argument('<folder>', 'folder (or single image) to add')
    .option(
      '--update-changed',
      'take the new content of files changed since they were added (re-hash, new size; an image whose size changed goes back to in_progress for review); by default the old record is kept',
    )
    .action(
      action(async (opts, project: string, folder: string, flags: { updateChanged?: boolean }) => {
        const svc = ProjectService.open(resolve(project));
        try {
          const bar = createProgress('Adding images', 0, { enabled: !opts.json });
          const r = await svc.addFolder(
            folder,
            (p) => {
              bar.setTotal(p.total);
              bar.update(p.done, shown(p.path));
            },
            { updateChanged: flags.updateChanged === true },
          );
          bar.finish(`${r.added} added`);
          emit(opts, r, () => {
            const lines = [
              `Scanned ${r.scanned} image file(s): ${r.added} added, ${r.alreadyPresent} already in the project, ${r.relocated} moved, ${r.changed.length} changed since added, ${r.duplicates.length} duplicate(s), ${r.failed.length} unreadable.`,
            ];
            if (r.scanned === 0) lines.push(`No images found under ${shown(resolve(folder))} (looked for jpg, jpeg, png, webp, bmp, tif, tiff).`);
            for (const c of r.changed) lines.push(`  ${changedLine(c)}`);
            for (const d of r.duplicates) lines.push(`  duplicate: ${shown(d.path)} (same content as ${shown(d.of)})`);
            for (const f of r.failed) lines.push(`  skipped: ${shown(f.path)}: ${shown(f.reason)}`);
            return lines.join('\n');
          });
          return r.failed.length ? ExitCode.badInput : ExitCode.ok;
        } finally {
          svc.close();
        }
      }),
    );

  program
    .command('stats')
    .description('summarise a project: images by review status, image files missing or changed, annotations, categories')
    .argument('<project>', 'project file')
    .action(
      action((opts, project: string) => {
        const svc = ProjectService.open(resolve(project), { readonly: true });
        try {
          // Every image's file is stat-ed (cheap; no reading): missing, unreadable, changed.
          const s = svc.stats({ checkFiles: true });
          const f = s.files;
          emit(opts, s, () =>
            [
              `Images: ${s.images} (${ReviewStatus.options.map((k) => `${k} ${s.byStatus[k]}`).join(', ')})`,
              `Image files: ${f.missing + f.unreadable + f.changed ? `${f.missing} missing, ${f.unreadable} unreadable, ${f.changed} changed on disk` : 'all present'}`,
              `Annotations: ${s.annotations} (accepted ${s.annotationsByState.accepted}, pending ${s.annotationsByState.pending}, rejected ${s.annotationsByState.rejected})`,
              `Predictions: ${s.predictions} from ${s.runs} run(s)`,
              `Categories: ${s.categories}`,
              s.perCategory.length ? table(s.perCategory.map((c) => [c.id, c.name, c.annotations, c.images]), ['id', 'name', 'annotations', 'images']) : '',
            ]
              .filter(Boolean)
              .join('\n'),
          );
        } finally {
          svc.close();
        }
      }),
    );
};

/** One changed file, as `add` reports it. */
function changedLine(c: AddImagesResult['changed'][number]): string {
  const head = `changed since added: ${shown(c.path)}: `;
  if (c.action === 'updated')
    return head + (c.sizeChanged ? 'took the new content; its size changed, so the image is back in progress for review' : 'took the new content (same size)');
  if (c.note) return head + `kept the old record (${shown(c.note)})`;
  return head + 'kept the old record (use --update-changed to take the new content)';
}
