import type { RegisterCommand } from './command';

/**
 * The top-level commands and the module that registers each. main.ts loads only the module
 * of the command being run, so `--help` never loads sharp, onnxruntime or better-sqlite3;
 * the help listing is drawn from the names and descriptions here. main.test.ts checks this
 * listing against the one the modules themselves register, so the two cannot drift.
 */
export interface CommandModule {
  load: () => Promise<{ register: RegisterCommand }>;
  /** Each top-level command the module registers: `term` as commander prints it in help. */
  commands: { name: string; term: string; description: string }[];
}

export const COMMAND_MODULES: CommandModule[] = [
  {
    load: () => import('./commands/project'),
    commands: [
      { name: 'init', term: 'init <project>', description: 'create a new project file' },
      { name: 'add', term: 'add [options] <project> <folder>', description: 'add every image under a folder (recursively) to a project' },
      { name: 'stats', term: 'stats <project>', description: 'summarise a project: images by review status, image files missing or changed, annotations, categories' },
    ],
  },
  {
    load: () => import('./commands/categories'),
    commands: [
      {
        name: 'categories',
        term: 'categories [options] <project> <action> [args...]',
        description: 'manage categories: add, list, rename, set, remove',
      },
    ],
  },
  {
    load: () => import('./commands/coco'),
    commands: [
      { name: 'export', term: 'export', description: 'export a project' },
      { name: 'import', term: 'import', description: 'import annotations into a project' },
    ],
  },
  {
    load: () => import('./commands/models'),
    commands: [{ name: 'models', term: 'models', description: 'list, download, verify, import and remove model packs' }],
  },
  {
    load: () => import('./commands/predict'),
    commands: [{ name: 'predict', term: 'predict [options] <pack> <image>', description: 'Run a model pack on one image and print what it finds' }],
  },
  {
    load: () => import('./commands/suggest'),
    commands: [{ name: 'suggest', term: 'suggest [options] <pack> <image>', description: 'Rank categories for a box drawn on an image (Pix2seq packs)' }],
  },
  {
    load: () => import('./commands/search'),
    commands: [
      {
        name: 'search',
        term: 'search [options] <project> <text>',
        description: 'rank a project’s images by how well they match a text (uniter packs; region features are cached next to the project)',
      },
    ],
  },
  {
    load: () => import('./commands/prelabel'),
    commands: [
      {
        name: 'prelabel',
        term: 'prelabel [options] <project>',
        description: 'pre-label a project’s images with one or two model packs (resumable: run it again to continue)',
      },
    ],
  },
  {
    load: () => import('./commands/audit'),
    commands: [
      {
        name: 'audit',
        term: 'audit [options] <project-or-report> [project]',
        description: 'audit labels with a uniter pack: score every category’s text on each image (resumable), or `audit report` the likely missing and doubtful labels',
      },
    ],
  },
  {
    load: () => import('./commands/bundle'),
    commands: [
      {
        name: 'bundle',
        term: 'bundle [options] <project>',
        description: 'write a pre-labeling job out as a work bundle of shards for other machines (`work` runs a shard, `merge` brings results back)',
      },
    ],
  },
  {
    load: () => import('./commands/work'),
    commands: [{ name: 'work', term: 'work [options] <bundle>', description: 'run one shard of a work bundle and write its results file (resumable: run it again to continue)' }],
  },
  {
    load: () => import('./commands/merge'),
    commands: [
      { name: 'merge', term: 'merge <project> <bundle>', description: 'import the results of a work bundle’s shards into the project (safe to repeat, and while workers still run)' },
    ],
  },
  {
    load: () => import('./commands/jobs'),
    commands: [
      { name: 'jobs', term: 'jobs <project-or-action> [args...]', description: 'list pre-labeling jobs, show one with its failed images, resume one, or retry its failed images' },
    ],
  },
];

/**
 * The module of the command `argv` runs (`help <command>` included), or undefined when
 * argv names none: then only the listing is needed. Options before the command are the
 * program's flags, which take no value, so the first other word is the command.
 */
export function moduleFor(argv: string[]): CommandModule | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMAND_MODULES.find((m) => m.commands.some((c) => c.name === name));
}
