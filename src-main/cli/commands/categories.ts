import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Category, CategoryInput } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import type { RegisterCommand } from '../command';
import { emit, table } from '../output';

interface CategoryFlags {
  prompt?: string;
  threshold?: string;
  supercategory?: string;
  color?: string;
  force?: boolean;
}

const USAGE = `categories <project> add <name...> | list | rename <id|name> <new-name> | set <id|name> [--prompt ..] [--threshold ..] | remove <id|name> [--force]`;

export const register: RegisterCommand = (program, action) => {
  program
    .command('categories')
    .description('manage categories: add, list, rename, set, remove')
    .usage(USAGE)
    .argument('<project>', 'project file')
    .argument('<action>', 'add | list | rename | set | remove')
    .argument('[args...]', 'names or ids')
    .option('--prompt <text>', 'text the models are prompted with (default: the name)')
    .option('--threshold <score>', 'per-class score threshold in [0, 1]')
    .option('--supercategory <name>', 'COCO supercategory')
    .option('--color <#rrggbb>', 'display colour (default: the colour the name names, e.g. "blue", else the stable palette)')
    .addOption(new Option('--force', 'remove even if annotations use the category (they are removed too)'))
    .action(
      action(async (opts, project: string, verb: string, args: string[], flags: CategoryFlags) => {
        const svc = ProjectService.open(resolve(project), verb === 'list' ? { readonly: true } : {});
        try {
          switch (verb) {
            case 'add': {
              if (!args.length) throw usage('add needs at least one name');
              // "a,b" and "a b" both work: commas are the natural list separator in prompts.
              const names = args.flatMap((a) => a.split(',')).map((s) => s.trim()).filter(Boolean);
              if (names.length > 1 && flags.prompt) throw usage('--prompt applies to one category at a time');
              const added = svc.addCategories(names.map((name) => ({ name, ...parseFlags(flags) })));
              emit(opts, added, () => added.map((c) => `Added ${c.id} ${c.name} (${c.color})`).join('\n'));
              return;
            }
            case 'list': {
              const cats = svc.listCategories();
              emit(opts, cats, () => (cats.length ? renderTable(cats) : 'No categories yet. Add some with `labelwright categories <project> add <name>`.'));
              return;
            }
            case 'rename': {
              if (args.length !== 2) throw usage('rename needs <id|name> <new-name>');
              const c = svc.renameCategory(args[0], args[1]);
              emit(opts, c, () => `Renamed category ${c.id} to ${c.name}`);
              return;
            }
            case 'set': {
              if (args.length !== 1) throw usage('set needs one <id|name>');
              const c = svc.updateCategory(args[0], parseFlags(flags));
              emit(opts, c, () => renderTable([c]));
              return;
            }
            case 'remove': {
              if (args.length !== 1) throw usage('remove needs one <id|name>');
              const r = svc.removeCategory(args[0], { force: flags.force });
              emit(opts, r, () => `Removed category ${r.category.id} ${r.category.name}${r.annotationsRemoved ? ` and ${r.annotationsRemoved} annotation(s)` : ''}`);
              return;
            }
            default:
              throw usage(`unknown action "${verb}"`);
          }
        } finally {
          svc.close();
        }
      }),
    );
};

function parseFlags(f: CategoryFlags): Partial<CategoryInput> {
  const out: Partial<CategoryInput> = {};
  if (f.prompt !== undefined) out.prompt = f.prompt;
  if (f.supercategory !== undefined) out.supercategory = f.supercategory;
  if (f.color !== undefined) out.color = f.color;
  if (f.threshold !== undefined) {
    const t = Number(f.threshold);
    if (!Number.isFinite(t) || t < 0 || t > 1) throw usage(`--threshold must be a number in [0, 1], got "${f.threshold}"`);
    out.threshold = t;
  }
  return out;
}

function usage(message: string): LwError {
  return new LwError('INVALID_ARGUMENT', `categories: ${message}`, `Usage: labelwright ${USAGE}`);
}

function renderTable(cats: Category[]): string {
  return table(
    cats.map((c) => [c.id, c.name, c.color, c.prompt, c.threshold ?? '-', c.supercategory ?? '-']),
    ['id', 'name', 'color', 'prompt', 'threshold', 'supercategory'],
  );
}
